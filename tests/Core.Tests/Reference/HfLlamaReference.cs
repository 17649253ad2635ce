using System.Runtime.InteropServices;
using System.Text.Json;

namespace TtLora.Core.Tests.Reference;

/// <summary>
/// Runs the independent numpy implementation of Hugging Face's Llama forward pass
/// (<c>tests/reference/hf_llama_reference.py</c>) on a model folder, so tests can check the project's
/// model against HF semantics from outside. The reference computes in float64 and returns float32.
/// Missing Python/numpy is an error (never a skip) that names the package to install.
/// </summary>
public static class HfLlamaReference
{
    private const string SolutionFile = "TtLora.slnx";
    private static readonly string ScriptRelativePath = Path.Combine("tests", "reference", "hf_llama_reference.py");

    private static readonly Lazy<string> Script = new(LocateScript);

    /// <summary>Longest time one reference run may take before it is killed and the call throws.</summary>
    public static TimeSpan Timeout { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>Full path of the reference script, found by walking up to the folder holding TtLora.slnx.</summary>
    public static string ScriptPath => Script.Value;

    /// <summary>
    /// One forward pass. <paramref name="attentionMask"/> holds 0/1 per token (null: all ones);
    /// <paramref name="positionIds"/> null means 0..S-1 per row, as HF's plain forward does.
    /// </summary>
    public static HfLlamaReferenceOutput Forward(
        string modelDir,
        long[][] inputIds,
        long[][]? attentionMask = null,
        long[][]? positionIds = null,
        HfLlamaHead head = HfLlamaHead.Causal,
        bool includeHidden = false)
    {
        ArgumentNullException.ThrowIfNull(inputIds);
        var request = new Dictionary<string, object?>
        {
            ["input_ids"] = inputIds,
            ["attention_mask"] = attentionMask,
            ["position_ids"] = positionIds,
            ["head"] = head == HfLlamaHead.Causal ? "causal" : "classification",
        };
        var extra = includeHidden ? new[] { "--hidden" } : [];
        return RunScript(modelDir, request, extra, (response, workDir) =>
        {
            var logits = ReadArray(workDir, response.GetProperty("logits"), out var logitsShape);
            float[]? hidden = null;
            long[]? hiddenShape = null;
            if (response.TryGetProperty("hidden", out var hiddenElement))
                hidden = ReadArray(workDir, hiddenElement, out hiddenShape);
            long[]? pooled = response.TryGetProperty("pooled_token_index", out var pooledElement)
                ? pooledElement.EnumerateArray().Select(e => e.GetInt64()).ToArray()
                : null;
            return new HfLlamaReferenceOutput(logits, logitsShape, hidden, hiddenShape, pooled);
        });
    }

    /// <summary><c>LlamaForCausalLM</c> logits, row-major [batch, seq, vocab].</summary>
    public static float[] CausalLogits(string modelDir, long[][] inputIds, long[][]? attentionMask, out long[] shape)
    {
        var output = Forward(modelDir, inputIds, attentionMask, head: HfLlamaHead.Causal);
        shape = output.LogitsShape;
        return output.Logits;
    }

    /// <summary><c>LlamaForSequenceClassification</c> logits at each row's last non-pad token, [batch, labels].</summary>
    public static float[] ClassificationLogits(string modelDir, long[][] inputIds, long[][]? attentionMask, out long[] shape)
    {
        var output = Forward(modelDir, inputIds, attentionMask, head: HfLlamaHead.Classification);
        shape = output.LogitsShape;
        return output.Logits;
    }

    /// <summary>
    /// Greedy decoding of exactly <paramref name="maxNewTokens"/> tokens (no EOS stop) without any cache:
    /// the reference recomputes the whole sequence each step. Returns only the new tokens.
    /// </summary>
    public static long[] GreedyGenerate(string modelDir, long[] promptIds, int maxNewTokens)
    {
        ArgumentNullException.ThrowIfNull(promptIds);
        ArgumentOutOfRangeException.ThrowIfNegative(maxNewTokens);
        var request = new Dictionary<string, object?> { ["input_ids"] = new[] { promptIds } };
        var extra = new[] { "--greedy", maxNewTokens.ToString(System.Globalization.CultureInfo.InvariantCulture) };
        return RunScript(modelDir, request, extra, (response, _) =>
            response.GetProperty("generated_ids").EnumerateArray().Select(e => e.GetInt64()).ToArray());
    }

    private static T RunScript<T>(
        string modelDir,
        Dictionary<string, object?> request,
        IEnumerable<string> extraArguments,
        Func<JsonElement, string, T> readResponse)
    {
        var python = NumpyPython.Interpreter;
        var workDir = Directory.CreateTempSubdirectory("hf-llama-reference-").FullName;
        try
        {
            var inputPath = Path.Combine(workDir, "request.json");
            var outputPath = Path.Combine(workDir, "response.json");
            File.WriteAllText(inputPath, JsonSerializer.Serialize(request));
            string[] arguments = [ScriptPath, "--model", Path.GetFullPath(modelDir), "--input", inputPath, "--output", outputPath, .. extraArguments];
            var result = ChildProcess.TryRun(python, arguments, Timeout)
                ?? throw new TtLoraException($"{python}: could not be started to run {ScriptPath}");
            if (result.ExitCode != 0)
            {
                var detail = result.Error.Trim();
                throw new TtLoraException(detail.Length > 0
                    ? detail
                    : $"{ScriptPath}: exited with code {result.ExitCode} and no message");
            }
            using var response = JsonDocument.Parse(File.ReadAllText(outputPath));
            return readResponse(response.RootElement, workDir);
        }
        finally
        {
            try { Directory.Delete(workDir, recursive: true); }
            catch (IOException) { /* a leftover temp folder is harmless */ }
        }
    }

    private static float[] ReadArray(string workDir, JsonElement descriptor, out long[] shape)
    {
        shape = descriptor.GetProperty("shape").EnumerateArray().Select(e => e.GetInt64()).ToArray();
        var fileName = descriptor.GetProperty("file").GetString() ?? "";
        var path = Path.Combine(workDir, Path.GetFileName(fileName));
        var bytes = File.ReadAllBytes(path);
        var count = shape.Aggregate(1L, (a, b) => a * b);
        if (bytes.Length != count * sizeof(float))
            throw TtLoraException.InFile(path, $"holds {bytes.Length} bytes, expected {count * sizeof(float)} for shape [{string.Join(", ", shape)}]");
        if (!BitConverter.IsLittleEndian)
            throw new PlatformNotSupportedException("the reference writes little-endian float32");
        return MemoryMarshal.Cast<byte, float>(bytes).ToArray();
    }

    private static string LocateScript()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir != null; dir = dir.Parent)
        {
            if (!File.Exists(Path.Combine(dir.FullName, SolutionFile)))
                continue;
            var script = Path.Combine(dir.FullName, ScriptRelativePath);
            return File.Exists(script)
                ? script
                : throw TtLoraException.InFile(script, "reference script is missing from the repository");
        }
        throw new TtLoraException(
            $"{AppContext.BaseDirectory}: no parent folder holds {SolutionFile}, so {ScriptRelativePath} cannot be found");
    }
}
