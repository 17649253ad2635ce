using System.Diagnostics;
using TtLora.Core.Adapters;
using TtLora.Core.Formats;
using TtLora.Core.Models;
using static TorchSharp.torch;

namespace TtLora.Core.Benchmarks;

/// <summary>
/// What one real-size checkpoint costs on this machine, measured in one process: load time and peak resident memory
/// against the checkpoint's size, causal-LM forward tokens/s in the checkpoint's dtype, and the tokens/s of one TT-LoRA
/// training step (adapters on q_proj and v_proj, base frozen, Adam on the cores, next-token loss).
/// </summary>
public static class CheckpointBenchmark
{
    public static IReadOnlyList<ModelBenchmarkFigure> Run(string dir, int batch, int sequence, int repeats, int rank, CancellationToken cancellation = default)
    {
        var figures = new List<ModelBenchmarkFigure>();
        long bytes;
        using (var files = SafeTensorsCheckpoint.Open(dir))
            bytes = files.Files.Sum(f => new FileInfo(f).Length);
        figures.Add(new("checkpoint size", bytes / 1e9, "GB"));
        figures.Add(new("threads", torch.get_num_threads(), ""));

        long before = ProcessMemory.Available ? ProcessMemory.Resident() : 0;
        bool peakReset = ProcessMemory.Available && ProcessMemory.ResetPeak();
        var clock = Stopwatch.StartNew();
        using var model = LlamaCheckpoint.LoadCausalLM(dir, CPU);
        figures.Add(new("load time", clock.Elapsed.TotalSeconds, "s"));
        if (ProcessMemory.Available)
        {
            long peak = ProcessMemory.Peak();
            figures.Add(new("resident before load", before / 1e9, "GB"));
            figures.Add(new(peakReset ? "peak resident during load" : "peak resident since start", peak / 1e9, "GB"));
            figures.Add(new("peak resident / checkpoint size", (double)peak / bytes, "x"));
            figures.Add(new("load's own peak (peak - before) / checkpoint size", (double)(peak - before) / bytes, "x"));
        }
        cancellation.ThrowIfCancellationRequested();

        var config = model.Config;
        var generator = new Generator(0);
        using var ids = torch.randint(0, config.VocabSize, [batch, sequence], generator: generator, dtype: ScalarType.Int64);
        model.eval();
        using (torch.no_grad())
        {
            double seconds = Median(() => { using var scope = NewDisposeScope(); model.Forward(ids); }, repeats, cancellation);
            figures.Add(new($"forward [{batch}x{sequence}] {config.TorchDtype}", batch * sequence / seconds, "tokens/s"));
        }

        var injector = new AdapterInjector(model);
        injector.Inject(new TtLoraConfig { R = rank }, "bench", seed: 0);
        injector.Freeze("bench");
        figures.Add(new($"TT-LoRA r={rank} (q_proj, v_proj) trainable values", injector.TrainableParameterCount, ""));
        model.train();
        using var optimizer = torch.optim.Adam(injector.TrainableParameters().Select(p => p.Parameter), lr: 1e-4);
        double step = Median(() =>
        {
            using var scope = NewDisposeScope();
            optimizer.zero_grad();
            var logits = model.Forward(ids);
            var loss = nn.functional.cross_entropy(logits[.., ..^1].reshape(-1, config.VocabSize).to(ScalarType.Float32), ids[.., 1..].reshape(-1));
            loss.backward();
            optimizer.step();
        }, repeats, cancellation);
        figures.Add(new($"TT-LoRA training step [{batch}x{sequence}]", batch * sequence / step, "tokens/s"));
        figures.Add(new("TT-LoRA training step time", step, "s"));
        injector.Detach();
        return figures;
    }

    static double Median(Action action, int repeats, CancellationToken cancellation)
    {
        action(); // warm-up
        var times = new List<double>();
        for (int i = 0; i < repeats; i++)
        {
            cancellation.ThrowIfCancellationRequested();
            var clock = Stopwatch.StartNew();
            action();
            times.Add(clock.Elapsed.TotalSeconds);
        }
        times.Sort();
        return times[times.Count / 2];
    }
}
