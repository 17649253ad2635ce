using System.Diagnostics;
using TtLora.Core.Models;
using static TorchSharp.torch;

namespace TtLora.Core.Benchmarks;

/// <summary>One measured figure of the base model benchmark.</summary>
public sealed record ModelBenchmarkFigure(string Name, double Value, string Unit);

/// <summary>
/// Measures, side by side in one run, the base model's forward throughput in float32 and bfloat16 and how long a
/// checkpoint of a given size takes to load (config + safetensors into modules).
/// </summary>
public static class ModelBenchmark
{
    public static IReadOnlyList<ModelBenchmarkFigure> Run(LlamaConfig config, int batch, int sequence, int repeats, long checkpointBytes, CancellationToken cancellation = default)
    {
        var figures = new List<ModelBenchmarkFigure>();
        using var noGrad = torch.no_grad();
        using var model = new LlamaForCausalLM(config);
        LlamaInitializer.Initialize(model, 0);
        model.eval();
        using var ids = torch.randint(0, config.VocabSize, [batch, sequence], dtype: ScalarType.Int64);
        foreach (var dtype in new[] { ScalarType.Float32, ScalarType.BFloat16 })
        {
            model.to(dtype);
            double ms = MedianMilliseconds(() => { using var logits = model.Forward(ids); }, repeats, cancellation);
            figures.Add(new($"forward {DeviceSelector.DTypeName(dtype)} [{batch}x{sequence}]", batch * sequence / (ms / 1000), "tokens/s"));
        }
        figures.Add(new("bf16 / fp32 forward speed", figures[1].Value / figures[0].Value, "x"));

        // A checkpoint of about the requested size: the same architecture, wider vocabulary.
        long perVocab = config.HiddenSize * 4L;
        long others = model.parameters().Sum(p => p.numel()) * 4 - config.VocabSize * perVocab;
        int vocab = (int)Math.Max(config.VocabSize, (checkpointBytes - others) / perVocab);
        string dir = Path.Combine(Path.GetTempPath(), $"ttlora-bench-{Guid.NewGuid():N}");
        try
        {
            using (var big = new LlamaForCausalLM(config with { VocabSize = vocab }))
                LlamaCheckpoint.Save(big, dir);
            long bytes = Directory.GetFiles(dir).Sum(f => new FileInfo(f).Length);
            double ms = MedianMilliseconds(() => { using var loaded = LlamaCheckpoint.LoadCausalLM(dir); }, Math.Max(3, repeats / 2), cancellation);
            figures.Add(new($"load {bytes / 1e6:F0} MB checkpoint", ms, "ms"));
            figures.Add(new("load throughput", bytes / 1e6 / (ms / 1000), "MB/s"));
        }
        finally
        {
            if (Directory.Exists(dir)) Directory.Delete(dir, recursive: true);
        }
        return figures;
    }

    static double MedianMilliseconds(Action action, int repeats, CancellationToken cancellation)
    {
        action(); // warm-up
        var times = new List<double>();
        for (int i = 0; i < repeats; i++)
        {
            cancellation.ThrowIfCancellationRequested();
            var clock = Stopwatch.StartNew();
            action();
            times.Add(clock.Elapsed.TotalMilliseconds);
        }
        times.Sort();
        return times[times.Count / 2];
    }
}
