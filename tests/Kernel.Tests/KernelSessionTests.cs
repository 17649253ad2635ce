using System.Text.Json.Nodes;
using TtLora.Extension;
using Xunit.Abstractions;

namespace TtLora.Kernel.Tests;

/// <summary>The kernel as Jupyter front ends see it, message by message.</summary>
public class KernelSessionTests(KernelSession session, ITestOutputHelper log) : IClassFixture<KernelSession>
{
    static string Text(JsonObject content) => (string)content["data"]!["text/plain"]!;

    [Fact]
    public void KernelInfoDescribesTheCSharpKernel()
    {
        var info = session.Results["kernel_info"]!;
        Assert.Equal("ok", (string)info["status"]!);
        Assert.Equal("5.3", (string)info["protocol_version"]!);
        Assert.Equal("ttlora", (string)info["implementation"]!);
        Assert.Equal("csharp", (string)info["language_info"]!["name"]!);
        Assert.Equal("text/x-csharp", (string)info["language_info"]!["mimetype"]!);
        Assert.Equal(".cs", (string)info["language_info"]!["file_extension"]!);
        Assert.Matches(@"^\d+\.\d+$", (string)info["language_info"]!["version"]!);
        Assert.Contains("#!tt-lora help", (string)info["banner"]!);
        Assert.NotEmpty(info["help_links"]!.AsArray());
    }

    [Fact]
    public void VariablesCarryFromCellToCell()
    {
        var first = session.Reply("first_cell");
        Assert.Equal("ok", (string)first["status"]!);
        Assert.Equal(1, (int)first["execution_count"]!);
        Assert.Empty(session.Outputs("first_cell")); // a statement has no value to show

        var (type, content) = Assert.Single(session.Outputs("use_variable"));
        Assert.Equal("execute_result", type);
        Assert.Equal("42", Text(content));
        Assert.Equal(2, (int)content["execution_count"]!);
        Assert.Equal(2, (int)session.Reply("use_variable")["execution_count"]!);
    }

    [Fact]
    public void SilentCellsRunWithoutOutputOrCount()
    {
        Assert.Empty(session.Outputs("silent"));
        Assert.Empty(session.Results["silent"]!["outputs"]!.AsArray()); // not even execute_input
        int before = (int)session.Reply("compile_error")["execution_count"]!;
        Assert.Equal(before, (int)session.Reply("silent")["execution_count"]!);
        Assert.Equal(before + 1, (int)session.Reply("after_silent")["execution_count"]!);
        Assert.Equal("5", Text(Assert.Single(session.Outputs("after_silent")).Content));
    }

    [Fact]
    public void HelpMagicShowsTheVerbsAndOneVerbsOptions()
    {
        var (type, content) = Assert.Single(session.Outputs("help"));
        Assert.Equal("display_data", type);
        foreach (var verb in new[] { "generate", "tokenize", "model", "demo", "use", "help" }) Assert.Contains(verb, Text(content));
        Assert.Contains("<pre>", (string)content["data"]!["text/html"]!);

        var verbHelp = Text(Assert.Single(session.Outputs("help_verb")).Content);
        Assert.Contains("ttlora model info [options]", verbHelp);
        Assert.Contains("--model", verbHelp);
        Assert.Contains("--json", verbHelp);
    }

    [Fact]
    public void ModelInfoMagicShowsHtml()
    {
        Assert.Equal("ok", (string)session.Reply("model_info")["status"]!);
        var (type, content) = Assert.Single(session.Outputs("model_info"));
        Assert.Equal("display_data", type);
        Assert.StartsWith($"LlamaForCausalLM in {session.ModelFolder}", Text(content));
        Assert.False(string.IsNullOrWhiteSpace((string?)content["data"]!["text/html"]), "no text/html in the bundle");
        Assert.NotNull(content["transient"]!["display_id"]);
    }

    [Fact]
    public void JsonMagicGivesTheTerminalsJson()
    {
        var (_, content) = Assert.Single(session.Outputs("model_info_json"));
        Assert.True(JsonNode.DeepEquals(session.TerminalModelInfo, content["data"]!["application/json"]),
            $"cell JSON {content["data"]!["application/json"]} differs from terminal JSON {session.TerminalModelInfo}");
        Assert.True(JsonNode.DeepEquals(session.TerminalModelInfo, JsonNode.Parse(Text(content))));
    }

    [Fact]
    public void UseSetsTheModelForLaterVerbs()
    {
        Assert.Equal("ok", (string)session.Reply("use_then_info")["status"]!);
        var outputs = session.Outputs("use_then_info");
        Assert.Equal(2, outputs.Count);
        Assert.Contains($"model     {session.ModelFolder}", Text(outputs[0].Content));
        Assert.StartsWith($"LlamaForCausalLM in {session.ModelFolder}", Text(outputs[1].Content));
    }

    [Fact]
    public void MagicLinesAndCSharpRunInOrder()
    {
        var outputs = session.Outputs("mixed");
        Assert.Equal(new[] { "display_data", "stream", "execute_result" }, outputs.Select(o => o.Type));
        Assert.Contains("ttlora model [command] [options]", Text(outputs[0].Content));
        Assert.Equal("2\n", (string)outputs[1].Content["text"]!);
        Assert.Equal("3", Text(outputs[2].Content));
    }

    [Fact]
    public void ConsoleOutputBecomesStreams()
    {
        var outputs = session.Outputs("streams");
        Assert.Equal(new[] { ("stdout", "to stdout\n"), ("stderr", "to stderr\n") },
            outputs.Select(o => ((string)o.Content["name"]!, (string)o.Content["text"]!)));
    }

    [Fact]
    public void DisplayHandlesUpdateInPlace()
    {
        var outputs = session.Outputs("display");
        Assert.Equal(new[] { "display_data", "update_display_data" }, outputs.Select(o => o.Type));
        Assert.Equal("first", Text(outputs[0].Content));
        Assert.Equal("second", Text(outputs[1].Content));
        string id = (string)outputs[0].Content["transient"]!["display_id"]!;
        Assert.Equal(id, (string)outputs[1].Content["transient"]!["display_id"]!);
    }

    [Fact]
    public void AnExceptionIsAnErrorReplyAndTheKernelStaysAlive()
    {
        var reply = session.Reply("exception");
        int count = (int)reply["execution_count"]!;
        Assert.Equal("error", (string)reply["status"]!);
        Assert.Equal("InvalidOperationException", (string)reply["ename"]!);
        Assert.Equal("boom", (string)reply["evalue"]!);
        // Frames point into the cell (line 1 declares Fail, line 3 calls it), never into the kernel or Roslyn.
        Assert.Equal(new[] { "InvalidOperationException: boom", $"   at Fail() in In [{count}]:line 1", $"   at <cell> in In [{count}]:line 3" },
            reply["traceback"]!.AsArray().Select(l => (string)l!));
        var (type, error) = Assert.Single(session.Outputs("exception"));
        Assert.Equal("error", type);
        Assert.True(JsonNode.DeepEquals(reply["traceback"], error["traceback"]));

        Assert.Equal("ok", (string)session.Reply("after_exception")["status"]!);
        Assert.Equal("82", Text(Assert.Single(session.Outputs("after_exception")).Content));
    }

    [Fact]
    public void CompileErrorsPointAtCellLineAndColumn()
    {
        var reply = session.Reply("compile_error");
        Assert.Equal("CompilationError", (string)reply["ename"]!);
        Assert.Equal("(line 1, column 13): error CS0029: Cannot implicitly convert type 'string' to 'int'", (string)reply["evalue"]!);
    }

    [Theory]
    [InlineData("magic_unknown_verb", "UsageError", new[] { "frobnicate" })]
    [InlineData("magic_bad_value", "UsageError", new[] { "generate", "--model", "m", "--prompt-ids", "1", "--device", "tpu" })]
    [InlineData("magic_missing_option", "UsageError", new[] { "tokenize", "--tokenizer", "x" })]
    [InlineData("magic_failure", "CommandError", new[] { "model", "info", "--model", "does-not-exist" })]
    public void MalformedMagicsFailWithTheTerminalsMessage(string scenario, string ename, string[] args)
    {
        var terminalError = new StringWriter();
        int code = CommandRunner.Run(args, new CommandContext(), new StringWriter(), terminalError);
        Assert.NotEqual(0, code);
        var expected = terminalError.ToString().TrimEnd().Split('\n').Select(l => l.TrimEnd('\r'));

        var reply = session.Reply(scenario);
        Assert.Equal("error", (string)reply["status"]!);
        Assert.Equal(ename, (string)reply["ename"]!);
        Assert.Equal(expected, reply["traceback"]!.AsArray().Select(l => (string)l!));
        Assert.Equal("41", Text(Assert.Single(session.Outputs("after_magic_errors")).Content));
    }

    [Fact]
    public void RequestsQueuedBehindAFailingCellAreAborted()
    {
        var outcome = session.Results["stop_on_error"]!;
        Assert.Equal("first fails", (string)outcome["failing"]!["evalue"]!);
        Assert.Equal("aborted", (string)outcome["queued"]!["status"]!);
        Assert.Equal("41", Text(Assert.Single(session.Outputs("after_abort")).Content));
    }

    [Theory]
    [InlineData("verb", new[] { "model", "mola" }, 10, 12)]
    [InlineData("subverb", new[] { "info" }, 16, 17)]
    [InlineData("option", new[] { "--device" }, 19, 24)]
    [InlineData("value", new[] { "auto", "cpu", "cuda" }, 28, 28)]
    [InlineData("variable", new[] { "answer" }, 0, 3)]
    [InlineData("member", new[] { "Length" }, 6, 9)]
    [InlineData("prefix", new[] { "#!tt-lora " }, 0, 4)]
    public void CompletionOffersVerbsOptionsAndCSharpNames(string scenario, string[] expected, int start, int end)
    {
        var reply = session.Results["complete"]![scenario]!;
        Assert.Equal("ok", (string)reply["status"]!);
        Assert.Equal(expected, reply["matches"]!.AsArray().Select(m => (string)m!));
        Assert.Equal(start, (int)reply["cursor_start"]!);
        Assert.Equal(end, (int)reply["cursor_end"]!);
    }

    [Fact]
    public void CompletionKnowsTheGlobals() =>
        Assert.Contains("display", session.Results["complete"]!["global"]!["matches"]!.AsArray().Select(m => (string)m!));

    [Theory]
    [InlineData("var x = 1;", "complete")]
    [InlineData("for (int i = 0; i < 3; i++) {", "incomplete")]
    [InlineData("int x = ;", "invalid")]
    [InlineData("#!tt-lora help", "complete")]
    public void IsCompleteClassifiesCode(string code, string status) =>
        Assert.Equal(status, (string)session.Results["is_complete"]![code]!["status"]!);

    [Fact]
    public void InspectShowsVerbHelpAndCSharpTypes()
    {
        var verb = session.Results["inspect"]!["verb"]!;
        Assert.True((bool)verb["found"]!);
        Assert.Contains("ttlora model [command] [options]", (string)verb["data"]!["text/plain"]!);
        var variable = session.Results["inspect"]!["variable"]!;
        Assert.True((bool)variable["found"]!);
        Assert.Equal("(variable) int answer", (string)variable["data"]!["text/plain"]!);
    }

    [Fact]
    public void HistoryAndCommsAreEmptyAndCommOpenIsClosed()
    {
        Assert.Empty(session.Results["history"]!["history"]!.AsArray());
        Assert.Empty(session.Results["comm_info"]!["comms"]!.AsObject());
        var open = session.Results["comm_open"]!;
        var close = Assert.Single(open["outputs"]!.AsArray());
        Assert.Equal("comm_close", (string)close!["type"]!);
        Assert.Equal((string)open["comm_id"]!, (string)close["content"]!["comm_id"]!);
    }

    [Fact]
    public void MessagesWithWrongOrReusedSignaturesGetNoReply()
    {
        // The first probe is correctly signed and answered, which shows the silence after it is the kernel's choice.
        Assert.Equal(new string?[] { "kernel_info_reply", null, null }, session.Results["raw_probe"]!.AsArray().Select(r => (string?)r));
        Assert.Equal(new string?[] { "kernel_info_reply", null }, session.Results["replay_probe"]!.AsArray().Select(r => (string?)r));
        Assert.Equal("ok", (string)session.Results["after_probe"]!["status"]!);
        Assert.Equal(2, session.KernelLog.Split('\n').Count(l => l.Contains("rejected a shell message: bad signature")));
        Assert.Contains("rejected a shell message: replayed signature", session.KernelLog);
    }

    [Fact]
    public void InterruptStopsALongCellAndTheKernelLives()
    {
        var interrupt = session.Results["interrupt"]!;
        var reply = interrupt["reply"]!;
        Assert.Equal("error", (string)reply["status"]!);
        Assert.Equal("Interrupted", (string)reply["ename"]!);
        Assert.True((double)interrupt["seconds_to_stop"]! < 5, $"the cell took {interrupt["seconds_to_stop"]} s to stop");
        // Output streamed while the cell ran, in several chunks, before the error ended it.
        var types = interrupt["outputs"]!.AsArray().Select(o => (string)o!["type"]!).ToList();
        Assert.True(types.Count(t => t == "stream") >= 2, $"outputs: {string.Join(", ", types)}");
        Assert.Equal("error", types[^1]);
        Assert.Equal("42", Text(Assert.Single(session.Outputs("after_interrupt")).Content));
    }

    [Fact]
    public void CellsThatWatchCancellationFinishTheirOwnWay()
    {
        Assert.Equal("ok", (string)session.Reply("cooperative_interrupt")["status"]!);
        Assert.Equal("stopped by choice", Text(Assert.Single(session.Outputs("cooperative_interrupt")).Content));
    }

    [Fact]
    public void ShutdownRepliesAndExitsWithCodeZero()
    {
        var reply = session.Results["shutdown_reply"]!;
        Assert.Equal("ok", (string)reply["status"]!);
        Assert.False((bool)reply["restart"]!);
        Assert.Equal(0, (int)session.Results["exit_code"]!);
        Assert.True(session.Seconds("exit_seconds") < 5, $"exit took {session.Seconds("exit_seconds")} s");
    }

    [Fact]
    public void TimingsStayInteractive()
    {
        log.WriteLine($"kernel start (process start to kernel_info reply): {session.Seconds("start_seconds"):0.000} s");
        log.WriteLine($"first C# cell (compile + run): {session.Seconds("first_cell_seconds"):0.000} s");
        log.WriteLine($"trivial cell round trip (median of 5): {session.Seconds("trivial_cell_seconds") * 1000:0.0} ms");
        log.WriteLine($"first stream of a long cell after execute: {session.Seconds("first_stream_seconds"):0.000} s");
        log.WriteLine(session.KernelLog.Split('\n').FirstOrDefault(l => l.Contains("C# scripting ready")) ?? "(no warm-up line)");
        // Generous bounds: they catch a hang or a lost flush, not a slow machine.
        Assert.True(session.Seconds("start_seconds") < 30);
        Assert.True(session.Seconds("first_cell_seconds") < 30);
        Assert.True(session.Seconds("trivial_cell_seconds") < 5);
        Assert.True(session.Seconds("first_stream_seconds") < 10);
    }
}
