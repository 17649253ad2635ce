using System.Text;
using CsCheck;
using TtLora.Core;
using TtLora.Core.Formats;
using TtLora.Core.Models;
using TtLora.Core.Tokenizers;

namespace TtLora.Core.Tests.Reliability;

/// <summary>
/// Random mutations of valid files (CsCheck: byte flips, overwrites, insertions, deletions, truncations, duplicated
/// spans, and JSON-aware swaps of a value for an extreme one) fed to the readers of the safetensors header,
/// config.json and tokenizer.json. The only acceptable outcomes are success or a <see cref="TtLoraException"/>;
/// any other exception fails, with CsCheck's seed and shrunk mutation in the message.
/// </summary>
public sealed class ReaderFuzzTests : IDisposable
{
    readonly TempFolder folder = new("ttlora-fuzz-");

    /// <summary>One edit of a file: what, where (taken modulo the length) and with which bytes.</summary>
    public sealed record Mutation(int Kind, int Position, int Length, byte[] Bytes)
    {
        public override string ToString() => $"kind {Kind} at {Position} length {Length} bytes [{Convert.ToHexString(Bytes)}]";
    }

    // Values that stress a reader when they replace a JSON value: sizes at and past every limit, wrong types.
    static readonly string[] Extremes =
    [
        "0", "-1", "1", "2147483647", "-2147483648", "4294967296", "9223372036854775807", "18446744073709551616", "1e308", "1e999",
        "-0.0", "0.5", "null", "true", "\"\"", "\"x\"", "[]", "{}", "[1,2]", "{\"a\":1}", "\"\\ud800\"",
    ];

    static readonly Gen<Mutation> OneMutation = Gen.Select(Gen.Int[0, 8], Gen.Int[0, int.MaxValue], Gen.Int[0, 64], Gen.Byte.Array[0, 8],
        (kind, position, length, bytes) => new Mutation(kind, position, length, bytes));

    static readonly Gen<Mutation[]> Mutations = OneMutation.Array[1, 3];

    static byte[] Apply(byte[] original, Mutation[] mutations)
    {
        var data = new List<byte>(original);
        foreach (var m in mutations)
        {
            if (data.Count == 0) break;
            int at = m.Position % data.Count;
            int span = Math.Min(m.Length, data.Count - at);
            switch (m.Kind)
            {
                case 0: data[at] ^= (byte)(1 << (m.Length % 8)); break;                              // flip a bit
                case 1: for (int i = 0; i < m.Bytes.Length && at + i < data.Count; i++) data[at + i] = m.Bytes[i]; break;
                case 2: data.InsertRange(at, m.Bytes); break;
                case 3: data.RemoveRange(at, span); break;
                case 4: data.RemoveRange(at, data.Count - at); break;                                  // truncate
                case 5: data.InsertRange(at, data.GetRange(at, span)); break;                          // duplicate a span (keys too)
                default: ReplaceJsonValue(data, at, Extremes[m.Length % Extremes.Length]); break;
            }
        }
        return data.ToArray();
    }

    // Replaces the JSON number, literal or string that starts at or after `at` with another value.
    static void ReplaceJsonValue(List<byte> data, int at, string value)
    {
        int start = data.FindIndex(at, b => b is (byte)':' or (byte)',' or (byte)'[');
        if (start < 0) return;
        start++;
        while (start < data.Count && data[start] == ' ') start++;
        int end = start;
        if (end < data.Count && data[end] == '"')
        {
            end++;
            while (end < data.Count && data[end] != '"') end += data[end] == '\\' ? 2 : 1;
            end = Math.Min(end + 1, data.Count);
        }
        else
        {
            while (end < data.Count && data[end] is not ((byte)',' or (byte)'}' or (byte)']')) end++;
        }
        data.RemoveRange(start, end - start);
        data.InsertRange(start, Encoding.UTF8.GetBytes(value));
    }

    /// <summary>Runs <paramref name="read"/> on every mutated copy; only success or a TtLoraException may come out.</summary>
    void Fuzz(string name, byte[] valid, Action<string> read, long iterations)
    {
        string path = folder[name];
        read(Write(path, valid));
        Mutations.Sample(mutations =>
        {
            string copy = Write(Path.Combine(folder.Sub($"{name}-{Environment.CurrentManagedThreadId}"), name), Apply(valid, mutations));
            try
            {
                read(copy);
            }
            catch (TtLoraException)
            {
                // A clean, named error: what bad input must give.
            }
        }, iter: iterations, threads: 2, print: m => string.Join("; ", m.Select(x => x.ToString())));
    }

    static string Write(string path, byte[] bytes)
    {
        File.WriteAllBytes(path, bytes);
        return path;
    }

    [Fact]
    public void SafeTensorsReaderGivesOnlyCleanErrors()
    {
        string path = folder["valid.safetensors"];
        using (var scope = torch.NewDisposeScope())
            SafeTensorsWriter.Write(path, [("a.weight", torch.randn(3, 4)), ("b.bias", torch.arange(5).to(ScalarType.Int64)), ("c", torch.ones(2, 2, 2).to(ScalarType.BFloat16))],
                new Dictionary<string, string> { ["format"] = "pt" });
        Fuzz("model.safetensors", File.ReadAllBytes(path), copy =>
        {
            using var file = SafeTensorsFile.Open(copy);
            foreach (var name in file.Names)
            {
                using var tensor = file.Load(name);
            }
        }, iterations: 4000);
    }

    [Fact]
    public void ConfigReaderGivesOnlyCleanErrors()
    {
        string path = folder["valid-config.json"];
        (ModelPresets.Get("tiny") with { Labels = ["no", "yes"] }).Save(path);
        Fuzz("config.json", File.ReadAllBytes(path), copy =>
        {
            var config = LlamaConfig.Load(copy);
            config.EnsureFitsInMemory(copy, 4);
            _ = config.ParameterCount();
        }, iterations: 4000);
    }

    [Fact]
    public void TokenizerReaderGivesOnlyCleanErrors()
    {
        var trainer = new ByteLevelBpeTrainer(300);
        foreach (var text in new[] { "the cat sleeps on the mat", "a kernel panics at 3 am", "the compiler fails twice" }) trainer.Add(text);
        string path = folder["valid-tokenizer.json"];
        trainer.Train().Save(path);
        Fuzz("tokenizer.json", File.ReadAllBytes(path), copy =>
        {
            var tokenizer = HfTokenizer.FromFile(copy);
            var ids = tokenizer.Encode("the cat sleeps 42 times, naïvely 🙂").Ids;
            _ = tokenizer.Decode(ids);
            _ = tokenizer.EncodeFirst("the cat sleeps " + new string('z', 50), 4);
        }, iterations: 3000);
    }

    public void Dispose() => folder.Dispose();
}
