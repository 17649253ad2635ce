using TtLora.Core.Cluster;

namespace TtLora.Core.Tests.Cluster;

public class SlurmResourcesTests
{
    [Fact]
    public void DirectivesListOnlyWhatWasSetInAFixedOrder()
    {
        var resources = new SlurmResources { Memory = "16G", Partition = "gpu", GpusPerTask = 1, Time = "1-02:00:00", CpusPerTask = 8 }.Validated();
        Assert.Equal(["--partition=gpu", "--time=1-02:00:00", "--cpus-per-task=8", "--gpus-per-task=1", "--mem=16G"], resources.Directives());
        Assert.Empty(new SlurmResources().Directives());
    }

    [Theory]
    [InlineData("--time", "an hour")]
    [InlineData("--mem", "lots")]
    [InlineData("--partition", "gpu queue")]
    [InlineData("--cpus-per-task", "0")]
    public void BadValuesNameTheirOption(string option, string value)
    {
        var resources = option switch
        {
            "--time" => new SlurmResources { Time = value },
            "--mem" => new SlurmResources { Memory = value },
            "--partition" => new SlurmResources { Partition = value },
            _ => new SlurmResources { CpusPerTask = int.Parse(value, System.Globalization.CultureInfo.InvariantCulture) },
        };
        var error = Assert.Throws<TtLoraException>(() => resources.Validated());
        Assert.StartsWith(option + ":", error.Message);
    }

    [Fact]
    public void ShellQuotingKeepsEveryCharacter()
    {
        Assert.Equal("plain/path-1.json", ShellQuote.Word("plain/path-1.json"));
        Assert.Equal("'it'\\''s here'", ShellQuote.Word("it's here"));
        Assert.Equal("''", ShellQuote.Word(""));
    }
}
