using System.Text.Json.Nodes;
using TtLora.Core.Models;

namespace TtLora.Extension.Tests;

/// <summary>Runs command lines in-process through the same runner the terminal host uses.</summary>
internal static class CliHarness
{
    public sealed record Outcome(int ExitCode, string Output, string Error, IReadOnlyList<(ICommandResult Result, bool Json)> Results)
    {
        public JsonNode Json => Results.Single().Result.ToJson();
    }

    public static Outcome Run(params string[] args)
    {
        var results = new List<(ICommandResult, bool)>();
        var output = new StringWriter();
        var error = new StringWriter();
        var context = new CommandContext { Emit = (r, json) => results.Add((r, json)), Device = "cpu" };
        int code = CommandRunner.Run(args, context, output, error);
        return new Outcome(code, output.ToString(), error.ToString(), results);
    }

    /// <summary>A tiny random causal LM checkpoint (no tokenizer) in a temp folder.</summary>
    public static string TinyCheckpoint(string dir, long seed = 0)
    {
        var config = ModelPresets.Get("tiny") with { VocabSize = 61 };
        RandomCheckpoint.Create(dir, config, tokenizerPath: null, seed);
        return dir;
    }
}
