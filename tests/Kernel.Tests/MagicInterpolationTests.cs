using System.Globalization;
using TtLora.Core;
using TtLora.Extension;
using TtLora.Kernel.Jupyter.Cells;

namespace TtLora.Kernel.Tests;

/// <summary><c>{name}</c> in a <c>#!tt-lora</c> line: C# variables reaching the verbs' options.</summary>
public class MagicInterpolationTests
{
    static readonly Dictionary<string, object?> Values = new()
    {
        ["task"] = "spam",
        ["folder"] = "my models/base",
        ["steps"] = 100,
        ["empty"] = null,
        ["setup"] = new { BaseModel = "work/quick/base", Epochs = 2, Tasks = new[] { "spam", "grain" }, Nothing = (string?)null },
    };

    static readonly MagicVariables Variables =
        new(name => Values.TryGetValue(name, out var value) ? (true, value) : (false, null));

    static IReadOnlyList<string> Parse(string line) => MagicLine.Arguments(line, Variables.Text);

    [Fact]
    public void ReferencesAreReplacedInBareAndDoubleQuotedTextButNotInSingleQuotes() =>
        Assert.Equal(new[] { "train", "--task", "spam", "--steps", "100", "--name", "spam-x100", "--text", "a spam b", "--raw", "{task}" },
            Parse("#!tt-lora train --task {task} --steps {steps} --name {task}-x{steps} --text \"a {task} b\" --raw '{task}'"));

    [Fact]
    public void AValueWithSpacesStaysOneArgument() =>
        Assert.Equal(new[] { "pretrain", "--out", "my models/base", "--force" }, Parse("#!tt-lora pretrain --out {folder} --force"));

    [Fact]
    public void DoubledBracesAreLiteralAndNonIdentifiersStayAsWritten() =>
        Assert.Equal(new[] { "x", "{task}", "{a b}", "{1x}", "{}", "}", "{x..y}", "{.x}", "{task" },
            Parse("#!tt-lora x {{task}} \"{a b}\" {1x} {} } {x..y} {.x} {task"));

    [Fact]
    public void APropertyOfAVariableIsReachedByItsPath()
    {
        Assert.Equal(new[] { "train", "--model", "work/quick/base", "--epochs", "2", "--tasks", "spam,grain" },
            Parse("#!tt-lora train --model {setup.BaseModel} --epochs {setup.Epochs} --tasks {setup.Tasks}"));
        Assert.Equal("#!tt-lora: {setup.Steps}: setup has no public property Steps",
            Assert.Throws<TtLoraException>(() => Parse("#!tt-lora train --steps {setup.Steps}")).Message);
        Assert.Equal("#!tt-lora: {setup.Nothing.Length}: setup.Nothing is null",
            Assert.Throws<TtLoraException>(() => Parse("#!tt-lora train --x {setup.Nothing.Length}")).Message);
    }

    [Fact]
    public void WithoutVariablesBracesStayAsWritten() =>
        Assert.Equal(new[] { "train", "--task", "{task}", "{{x}}" }, MagicLine.Arguments("#!tt-lora train --task {task} {{x}}"));

    [Fact]
    public void AnUnknownVariableIsNamed()
    {
        var error = Assert.Throws<TtLoraException>(() => Parse("#!tt-lora train --task {taks}"));
        Assert.Equal("#!tt-lora: {taks} names no C# variable of this session (declare it in a C# cell first, or write {{taks}} for literal braces)",
            error.Message);
    }

    [Fact]
    public void ANullVariableIsNamed()
    {
        var error = Assert.Throws<TtLoraException>(() => Parse("#!tt-lora train --task {empty}"));
        Assert.Equal("#!tt-lora: {empty} is null", error.Message);
    }

    [Fact]
    public void ValuesAreSpelledAsCommandLinesExpectThem()
    {
        var culture = CultureInfo.CurrentCulture;
        try
        {
            CultureInfo.CurrentCulture = CultureInfo.GetCultureInfo("de-DE"); // decimal comma
            Assert.Equal("0.005", MagicVariables.Format(0.005));
            Assert.Equal("1.5", MagicVariables.Format(1.5f));
            Assert.Equal("12000", MagicVariables.Format(12000));
        }
        finally
        {
            CultureInfo.CurrentCulture = culture;
        }
        Assert.Equal("true", MagicVariables.Format(true));
        Assert.Equal("spam,brown-genre,sotu-party", MagicVariables.Format(new[] { "spam", "brown-genre", "sotu-party" }));
        Assert.Equal("2,3", MagicVariables.Format(new List<int> { 2, 3 }));
        Assert.Equal("text", MagicVariables.Format("text"));
        Assert.Null(MagicVariables.Format(null));
    }

    [Fact]
    public void ACellsVariableReachesTheVerbOnTheSameAndLaterLines()
    {
        CellOutput? current = null;
        var csharp = new CSharpSession(new KernelGlobals(() => current, (_, _, _) => null));
        var progress = new LiveProgress();
        var context = new CommandContext { Progress = progress.Report };
        var runner = new CellRunner(csharp, new MagicRunner(context, progress, new MagicVariables(csharp.Variable)));
        var published = new List<string>();
        using var output = current = new CellOutput((type, _) => published.Add(type), TimeSpan.FromSeconds(10));

        var first = runner.Run("var device = \"cpu\";\nvar registryFolder = System.IO.Path.Combine(\"some where\", \"experts\");\n" +
                               "#!tt-lora use --device {device} --registry {registryFolder}", "In [1]", output, CancellationToken.None);
        Assert.Null(first.Error);
        Assert.Equal("cpu", context.Device);
        Assert.Equal(Path.GetFullPath(Path.Combine("some where", "experts")), context.Registry);

        var second = runner.Run("device = \"auto\";\n#!tt-lora use --device {device}", "In [2]", output, CancellationToken.None);
        Assert.Null(second.Error);
        Assert.Equal("auto", context.Device);

        var missing = runner.Run("#!tt-lora use --device {gpu}", "In [3]", output, CancellationToken.None);
        Assert.Equal("UsageError", missing.Error!.Name);
        Assert.StartsWith("#!tt-lora: {gpu} names no C# variable", missing.Error.Value);
    }
}
