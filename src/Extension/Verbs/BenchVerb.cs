using TtLora.Core.Benchmarks;
using System.CommandLine;
using TtLora.Core.Adapters;
using TtLora.Core.Models;
using TtLora.Extension.Results;

namespace TtLora.Extension.Verbs;

/// <summary>
/// <c>bench adapters</c>: side-by-side timings measured in one run (never in unit tests): the three TT-LoRA paths,
/// LoRA and no adapter on one projection and in a small model's training step, and merged inference vs the base.
/// </summary>
internal static class BenchVerb
{
    public static Command Build(CommandContext context)
    {
        var command = new Command("bench", "Benchmarks that print measured ratios");
        var quick = new Option<bool>("--quick") { Description = "Small shapes and few repeats (seconds instead of minutes)" };
        var repeats = new Option<int?>("--repeats") { Description = "Timed runs per variant", HelpName = "N" };
        var threads = new Option<int?>("--threads") { Description = "Torch CPU threads (default: libtorch's choice)", HelpName = "N" };
        var cpuTime = new Option<bool>("--cpu-time") { Description = "Time with process CPU time instead of wall clock (steadier on a busy machine)" };
        var json = CommonOptions.Json();
        var adapters = new Command("adapters", "TT-LoRA (factorized, contraction, reconstruction) vs LoRA vs no adapter, rank matched") { quick, repeats, threads, cpuTime, json };
        adapters.SetAction(parse =>
        {
            var options = parse.GetValue(quick)
                ? new AdapterBenchmarkOptions { Batch = 4, Sequence = 32, InFeatures = 256, OutFeatures = 256, Model = ModelPresets.Get("tiny"), ModelBatch = 4, ModelSequence = 32, Warmup = 1, Repeats = 3 }
                : new AdapterBenchmarkOptions();
            if (parse.GetValue(repeats) is int n) options = options with { Repeats = n };
            if (parse.GetValue(threads) is int t) options = options with { Threads = t };
            if (parse.GetValue(cpuTime)) options = options with { UseCpuTime = true };
            var report = AdapterBenchmark.Run(options, context.Cancellation);
            context.Emit(new AdapterBenchmarkResult(report), parse.GetValue(json));
            return 0;
        });
        command.Add(adapters);

        var preset = new Option<string>("--preset") { Description = "Architecture", DefaultValueFactory = _ => "small", HelpName = string.Join("|", ModelPresets.Names) };
        preset.AcceptOnlyFromAmong(ModelPresets.Names.ToArray());
        var batch = new Option<int>("--batch") { Description = "Sequences per forward", DefaultValueFactory = _ => 8, HelpName = "N" };
        var sequence = new Option<int>("--seq-len") { Description = "Tokens per sequence", DefaultValueFactory = _ => 128, HelpName = "N" };
        var modelRepeats = new Option<int>("--repeats") { Description = "Timed runs", DefaultValueFactory = _ => 10, HelpName = "N" };
        var size = new Option<int>("--checkpoint-mb") { Description = "Size of the checkpoint whose load time is measured", DefaultValueFactory = _ => 100, HelpName = "MB" };
        var modelJson = CommonOptions.Json();
        var checkpoint = new Option<string?>("--model") { Description = "Measure this checkpoint instead: load time, peak memory / checkpoint size, forward and TT-LoRA training-step tokens/s", HelpName = "DIR" };
        var rank = new Option<int>("--rank") { Description = "TT rank of the training step's adapters (with --model)", DefaultValueFactory = _ => 5, HelpName = "R" };
        var model = new Command("model", "Base model forward tokens/s (float32 vs bfloat16) and checkpoint load time; with --model, a real checkpoint's costs")
        {
            preset, batch, sequence, modelRepeats, size, checkpoint, rank, modelJson,
        };
        model.SetAction(parse =>
        {
            if (parse.GetValue(checkpoint) is string dir)
            {
                // Only what the user typed: a 1B-sized model gets one sequence of 128 tokens and 3 timed runs by default.
                int b = parse.GetResult(batch) is { Implicit: false } ? parse.GetValue(batch) : 1;
                int r = parse.GetResult(modelRepeats) is { Implicit: false } ? parse.GetValue(modelRepeats) : 3;
                var measured = CheckpointBenchmark.Run(dir, b, parse.GetValue(sequence), r, parse.GetValue(rank), context.Cancellation);
                context.Emit(new FiguresResult($"checkpoint benchmark: {dir}", measured.Select(f => (f.Name, f.Value, f.Unit)).ToArray()), parse.GetValue(modelJson));
                return 0;
            }
            var figures = TtLora.Core.Benchmarks.ModelBenchmark.Run(ModelPresets.Get(parse.GetValue(preset)!), parse.GetValue(batch), parse.GetValue(sequence),
                parse.GetValue(modelRepeats), parse.GetValue(size) * 1_000_000L, context.Cancellation);
            context.Emit(new FiguresResult("base model benchmark", figures.Select(f => (f.Name, f.Value, f.Unit)).ToArray()), parse.GetValue(modelJson));
            return 0;
        });
        command.Add(model);
        return command;
    }
}
