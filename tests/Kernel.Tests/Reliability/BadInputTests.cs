using System.Text.Json.Nodes;
using Parquet;
using Parquet.Schema;
using Xunit.Abstractions;

namespace TtLora.Kernel.Tests.Reliability;

/// <summary>
/// Bad input through the real executable, as a careless user or an attacker gives it: every case exits 1 (2 for
/// usage) with exactly one line on stderr naming the file, field or option, no stack trace, no bug report, and
/// nothing written where the command would write.
/// </summary>
[Collection(ReliabilityCollection.Name)]
public class BadInputTests(ReliabilityWorkspace ws, ITestOutputHelper output)
{
    /// <param name="Setup">Prepares the broken input in a case folder and returns the arguments.</param>
    public sealed record Case(string Name, int ExitCode, string Expected, Func<ReliabilityWorkspace, string, string[]> Setup);

    static string[] Train(ReliabilityWorkspace ws, string dir, params string[] more) => ws.TrainArgs("expert", Path.Combine(dir, "registry"), 1, more);

    static string Config(ReliabilityWorkspace ws, string dir, Action<JsonObject> edit)
    {
        string model = Path.Combine(dir, "model");
        Directory.CreateDirectory(model);
        foreach (var file in Directory.GetFiles(ws.BaseModel)) File.Copy(file, Path.Combine(model, Path.GetFileName(file)));
        var json = JsonNode.Parse(File.ReadAllText(Path.Combine(model, "config.json")))!.AsObject();
        edit(json);
        File.WriteAllText(Path.Combine(model, "config.json"), json.ToJsonString());
        return model;
    }

    static string Write(string dir, string name, string text)
    {
        string path = Path.Combine(dir, name);
        File.WriteAllText(path, text);
        return path;
    }

    static string Parquet(string dir, string name, ulong label)
    {
        string path = Path.Combine(dir, name);
        WriteParquet(path, label).GetAwaiter().GetResult();
        return path;
    }

    static async Task WriteParquet(string path, ulong label)
    {
        var text = new DataField<string>("text");
        var labels = new DataField<ulong>("label");
        await using var stream = File.Create(path);
        await using var writer = await ParquetWriter.CreateAsync(new ParquetSchema(text, labels), stream);
        using var group = writer.CreateRowGroup();
        await group.WriteAsync(text, new[] { "the cat sleeps", "a kernel panics", "the horse runs", "the compiler fails" });
        await group.WriteAsync<ulong>(labels, new[] { label, 1UL, 0UL, 1UL });
    }

    public static readonly Case[] Cases =
    [
        // Usage: the value names the kind expected, the unknown verb is named with the nearest one.
        new("--rank abc", 2, "--rank expects a whole number, got 'abc'", (ws, d) => Train(ws, d, "--rank", "abc")),
        new("--epochs 1.5", 2, "--epochs expects a whole number, got '1.5'", (ws, d) => Train(ws, d, "--epochs", "1.5")),
        new("--lr x", 2, "--lr expects a number, got 'x'", (ws, d) => Train(ws, d, "--lr", "x")),
        new("--device tpu", 2, "--device expects one of auto, cpu, cuda, got 'tpu'", (ws, d) => ["generate", "--model", ws.BaseModel, "--prompt-ids", "1", "--device", "tpu"]),
        new("unknown verb", 2, "unknown verb 'trian'; did you mean 'train'?", (ws, d) => ["trian"]),
        new("unknown sub-verb", 2, "unknown 'model' verb 'inof'; did you mean 'info'?", (ws, d) => ["model", "inof"]),

        // config.json
        new("config id2label number", 1, "\"id2label\" must map ids to label names", (ws, d) => ["model", "info", "--model", Config(ws, d, j => j["id2label"] = new JsonObject { ["0"] = 5 })]),
        new("config duplicated key", 1, "config.json: not valid JSON", (ws, d) =>
        {
            string model = Config(ws, d, _ => { });
            string path = Path.Combine(model, "config.json");
            File.WriteAllText(path, File.ReadAllText(path).Replace("{\"architectures\"", "{\"vocab_size\":7,\"architectures\""));
            return ["model", "info", "--model", model];
        }),
        new("config head_dim 2^30", 1, "\"head_dim\"", (ws, d) => ["model", "info", "--model", Config(ws, d, j => j["head_dim"] = 1 << 30)]),
        new("config vocab_size 2^31-1", 1, "\"vocab_size\"", (ws, d) => ["generate", "--model", Config(ws, d, j => j["vocab_size"] = int.MaxValue), "--prompt-ids", "1"]),
        new("config max_position_embeddings 0", 1, "\"max_position_embeddings\"", (ws, d) => ["model", "info", "--model", Config(ws, d, j => j["max_position_embeddings"] = 0)]),
        new("config not JSON", 1, "config.json: not valid JSON", (ws, d) =>
        {
            string model = Config(ws, d, _ => { });
            File.WriteAllText(Path.Combine(model, "config.json"), "{\"vocab_size\": 3");
            return ["model", "info", "--model", model];
        }),
        new("config vocab_size disagrees with weights", 1, "model.embed_tokens.weight", (ws, d) => ["generate", "--model", Config(ws, d, j => j["vocab_size"] = 100_000), "--prompt-ids", "1"]),
        new("model create --config too big for memory", 1, "more than this machine's memory", (ws, d) =>
        {
            var config = JsonNode.Parse(File.ReadAllText(Path.Combine(ws.BaseModel, "config.json")))!.AsObject();
            config["vocab_size"] = 4_000_000; config["hidden_size"] = 65536; config["num_attention_heads"] = 128; config["head_dim"] = 512;
            return ["model", "create", "--out", Path.Combine(d, "huge"), "--config", Write(d, "huge.json", config.ToJsonString())];
        }),

        // Weights and tokens against the vocabulary
        new("generate --prompt-ids past vocab", 1, "--prompt-ids: 999999 is outside the model's vocabulary", (ws, d) => ["generate", "--model", ws.BaseModel, "--prompt-ids", "1,999999"]),
        new("tokenizer ids past model vocab", 1, "the tokenizer does not belong to this model", (ws, d) =>
        {
            string model = Config(ws, d, _ => { });
            File.Copy(PublishedSizedTokenizer(ws, d), Path.Combine(model, "tokenizer.json"), overwrite: true);
            return ["generate", "--model", model, "--prompt", "the cat"];
        }),
        new("folder named model.safetensors", 1, "model.safetensors: is a folder", (ws, d) =>
        {
            string model = Config(ws, d, _ => { });
            File.Delete(Path.Combine(model, "model.safetensors"));
            Directory.CreateDirectory(Path.Combine(model, "model.safetensors"));
            return ["generate", "--model", model, "--prompt-ids", "1"];
        }),
        new("truncated weights", 1, "model.safetensors", (ws, d) =>
        {
            string model = Config(ws, d, _ => { });
            string weights = Path.Combine(model, "model.safetensors");
            var bytes = File.ReadAllBytes(weights);
            File.WriteAllBytes(weights, bytes[..(bytes.Length / 3)]);
            return ["generate", "--model", model, "--prompt-ids", "1"];
        }),

        // Tokenizer
        new("catastrophic tokenizer regex", 1, "took over 2 s", (ws, d) =>
        {
            var json = JsonNode.Parse(File.ReadAllText(ws.Tokenizer))!.AsObject();
            json["pre_tokenizer"] = new JsonObject
            {
                ["type"] = "Split", ["pattern"] = new JsonObject { ["Regex"] = "(a+)+$" }, ["behavior"] = "Isolated", ["invert"] = false,
            };
            return ["tokenize", "--tokenizer", Write(d, "tokenizer.json", json.ToJsonString()), "--text", new string('a', 40) + "!"];
        }),

        // Training options, checked before any training
        new("--lr NaN", 1, "--lr must be a positive number", (ws, d) => Train(ws, d, "--lr", "NaN")),
        new("--lr 1e30", 1, "--lr must be a positive number of at most 1", (ws, d) => Train(ws, d, "--lr", "1e30")),
        new("--weight-decay -1", 1, "--weight-decay must be zero or a positive number", (ws, d) => Train(ws, d, "--optimizer", "adamw", "--weight-decay", "-1")),
        new("--max-train-examples 0", 1, "--max-train-examples must be at least 1", (ws, d) => Train(ws, d, "--max-train-examples", "0")),
        new("--max-length 0", 1, "--max-length must be at least 2", (ws, d) => Train(ws, d, "--max-length", "0")),
        new("--registry is a file", 1, "--registry", (ws, d) => ws.TrainArgs("expert", Write(d, "registry", "not a folder"), 1)),
        new("300-character --name", 1, "characters long", (ws, d) => ws.TrainArgs(new string('n', 300), Path.Combine(d, "registry"), 1)),
        new("--name with a slash", 1, "is not a valid expert or router name", (ws, d) => ws.TrainArgs("a/b", Path.Combine(d, "registry"), 1)),

        // Data files
        new("Parquet uint64 label 2^64-1", 1, "too large for a label", (ws, d) =>
            ["train", "--task", "p", "--train-file", Parquet(d, "train.parquet", ulong.MaxValue), "--model", ws.BaseModel, "--registry", Path.Combine(d, "registry")]),
        new("Parquet corrupt pages", 1, "train.parquet", (ws, d) =>
        {
            string path = Parquet(d, "train.parquet", 0);
            var bytes = File.ReadAllBytes(path);
            for (int i = 4; i < bytes.Length / 2; i++) bytes[i] = (byte)(bytes[i] * 31 + 7);
            File.WriteAllBytes(path, bytes);
            return ["train", "--task", "p", "--train-file", path, "--model", ws.BaseModel, "--registry", Path.Combine(d, "registry")];
        }),
        new("JSONL row not an object", 1, "line 2", (ws, d) =>
            ["train", "--task", "j", "--train-file", Write(d, "t.jsonl", "{\"text\":\"a\",\"label\":\"x\"}\n[1,2]\n"), "--model", ws.BaseModel, "--registry", Path.Combine(d, "registry")]),

        // Registry and plan
        new("predict an unknown expert", 1, "expert \"nobody\" is not in the registry", (ws, d) => ["predict", "--expert", "nobody", "--registry", ws.Registry, "--model", ws.BaseModel, "--text", "x"]),
        new("route an unknown router", 1, "router \"nobody\"", (ws, d) => ["route", "--router", "nobody", "--registry", ws.Registry, "--model", ws.BaseModel, "--text", "x"]),
        new("plan --labels -1", 1, "--labels must be between 0", (ws, d) => ["plan", "--config", Path.Combine(ws.BaseModel, "config.json"), "--adapter", "lora", "--labels", "-1"]),
    ];

    /// <summary>A tokenizer whose ids run past the tiny base's 512-token vocabulary.</summary>
    static string PublishedSizedTokenizer(ReliabilityWorkspace ws, string dir)
    {
        var json = JsonNode.Parse(File.ReadAllText(ws.Tokenizer))!.AsObject();
        var vocab = json["model"]!["vocab"]!.AsObject();
        vocab["zzzz-beyond"] = 5000;
        return Write(dir, "big-tokenizer.json", json.ToJsonString());
    }

    [Fact]
    public void EveryBadInputIsOneCleanLine()
    {
        var outcomes = new (Case Case, ChildProcess.Result Result, string[] Changed, string[] Logs)[Cases.Length];
        Parallel.For(0, Cases.Length, new ParallelOptions { MaxDegreeOfParallelism = 2 }, i =>
        {
            string dir = Path.Combine(ws.Path, "cases", $"{i:00}");
            Directory.CreateDirectory(dir);
            var args = Cases[i].Setup(ws, dir);
            var before = Snapshot(dir, ws.Registry, ws.BaseModel);
            var logsBefore = Logs(ws);
            var result = ChildProcess.Ttlora(args, ws.Environment);
            var changed = Snapshot(dir, ws.Registry, ws.BaseModel).Except(before).ToArray();
            outcomes[i] = (Cases[i], result, changed, Logs(ws).Except(logsBefore).ToArray());
        });

        var failures = new List<string>();
        output.WriteLine($"{"case",-42} {"exit",4}  message");
        foreach (var (c, result, changed, logs) in outcomes)
        {
            var lines = result.Error.Split('\n', StringSplitOptions.RemoveEmptyEntries);
            string message = lines.FirstOrDefault() ?? "";
            output.WriteLine($"{c.Name,-42} {result.ExitCode,4}  {message}");
            // Usage errors add one "See 'ttlora VERB --help'." line after the message.
            int allowedLines = c.ExitCode == 2 ? 2 : 1;
            if (result.ExitCode != c.ExitCode) failures.Add($"{c.Name}: exit {result.ExitCode}, expected {c.ExitCode}: {result.Error}");
            else if (lines.Length != allowedLines) failures.Add($"{c.Name}: {lines.Length} lines on stderr, expected {allowedLines}:\n{result.Error}");
            else if (!message.Contains(c.Expected, StringComparison.Ordinal)) failures.Add($"{c.Name}: \"{message}\" does not mention \"{c.Expected}\"");
            if (result.Error.Contains("   at ", StringComparison.Ordinal) || result.Error.Contains("frame #", StringComparison.Ordinal))
                failures.Add($"{c.Name}: a stack trace reached the user:\n{result.Error}");
            if (changed.Length > 0) failures.Add($"{c.Name}: wrote {string.Join(", ", changed)}");
            if (logs.Length > 0) failures.Add($"{c.Name}: reported a bug ({string.Join(", ", logs)})");
        }
        Assert.True(failures.Count == 0, string.Join("\n", failures));
    }

    /// <summary>Every file under the folders a case could write to (its output paths, the registry, the base).</summary>
    static HashSet<string> Snapshot(string caseDir, params string[] shared) =>
        shared.Append(caseDir).Where(Directory.Exists)
            .SelectMany(d => Directory.EnumerateFileSystemEntries(d, "*", SearchOption.AllDirectories))
            .Select(p => $"{p} {(File.Exists(p) ? new FileInfo(p).Length : -1)} {File.GetLastWriteTimeUtc(p).Ticks}")
            .ToHashSet();

    static string[] Logs(ReliabilityWorkspace ws)
    {
        string dir = Path.Combine(ws.Cache, "logs");
        return Directory.Exists(dir) ? Directory.GetFiles(dir) : [];
    }
}
