using System.Text.Json.Nodes;
using Xunit.Abstractions;

namespace TtLora.Kernel.Tests.Reliability;

/// <summary>
/// The kernel under hostile messages and cells (tests/fixtures/kernel/hostile_kernel.py, through Jupyter's own
/// client): each one it must survive is followed by a live kernel_info round trip; cells blocked in waits that never
/// look at their token are interrupted; the two cells that end the process tell the client why before it goes.
/// </summary>
public sealed class KernelHostileTests : IClassFixture<KernelHostileTests.Session>
{
    public sealed class Session : IDisposable
    {
        readonly JupyterSandbox sandbox = new("ttlora-hostile");

        public Session()
        {
            var run = sandbox.RunPython("hostile_kernel.py", sandbox.KernelName);
            Log = run.Error;
            Assert.True(run.ExitCode == 0, $"hostile_kernel.py failed (exit {run.ExitCode}):\n{run.Error}");
            Results = JsonNode.Parse(run.Output.Trim().Split('\n')[^1])!.AsObject();
        }

        public JsonObject Results { get; }
        public string Log { get; }

        public void Dispose() => sandbox.Dispose();
    }

    readonly Session session;
    readonly ITestOutputHelper output;

    public KernelHostileTests(Session session, ITestOutputHelper output)
    {
        this.session = session;
        this.output = output;
        output.WriteLine(session.Results.ToJsonString(new System.Text.Json.JsonSerializerOptions { WriteIndented = true }));
    }

    [Theory]
    [InlineData("duplicated_header_key")]
    [InlineData("header_not_json")]
    [InlineData("header_an_array")]
    [InlineData("msg_type_a_number")]
    [InlineData("execute_code_a_number")]
    [InlineData("complete_cursor_past_end")]
    [InlineData("control_bad_content")]
    [InlineData("control_duplicated_content_key")]
    [InlineData("deep_nesting")]
    [InlineData("lone_surrogate_key")]
    [InlineData("too_few_frames")]
    public void AHostileMessageLeavesTheKernelAnswering(string scenario) =>
        Assert.True((bool)session.Results[scenario]!["alive"]!, $"no kernel_info reply after {scenario}\n{session.Log}");

    [Theory]
    [InlineData("sleep_forever")]
    [InlineData("wait_forever")]
    [InlineData("await_forever")]
    public void AnInterruptBreaksACellBlockedInAWait(string scenario)
    {
        var result = session.Results[scenario]!;
        Assert.Equal("error", (string)result["reply"]!["status"]!);
        Assert.Equal("Interrupted", (string)result["reply"]!["ename"]!);
        Assert.True((double)result["seconds"]! < 20, $"the interrupt took {(double)result["seconds"]!:0.0} s");
        Assert.True((bool)result["alive"]!, "no kernel_info reply after the interrupt");
    }

    [Fact]
    public void ANativeErrorsValueHasNoNativeFrames()
    {
        var reply = session.Results["native_error"]!["reply"]!;
        Assert.Equal("error", (string)reply["status"]!);
        string evalue = (string)reply["evalue"]!;
        Assert.Contains("index out of range", evalue);
        Assert.DoesNotContain("frame #", evalue);
        Assert.DoesNotContain("Exception raised from", evalue);
        Assert.DoesNotContain('\n', evalue);
        Assert.True((bool)session.Results["native_error"]!["alive"]!);
    }

    [Theory]
    [InlineData("environment_exit", "KernelExit", "exiting")]
    [InlineData("background_exception", "InvalidOperationException", "from the background")]
    public void ACellThatEndsTheProcessIsReportedBeforeTheKernelGoes(string scenario, string ename, string evalue)
    {
        var result = session.Results[scenario]!;
        var reply = result["reply"];
        var errors = result["iopub_errors"]!.AsArray();
        Assert.True(reply is not null || errors.Count > 0, $"the client saw nothing before the kernel went\n{session.Log}");
        var error = (reply ?? errors[0])!;
        Assert.Equal(ename, (string)error["ename"]!);
        Assert.Contains(evalue, (string)error["evalue"]!);
        Assert.Contains("restart", (string)error["evalue"]!);
    }
}
