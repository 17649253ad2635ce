using TtLora.Core.Adapters;
using TtLora.Core.Models;

namespace TtLora.Core.Benchmarks;

/// <summary>Sizes and repetitions for <see cref="AdapterBenchmark.Run"/>. Defaults are the full-size measurement.</summary>
public sealed record AdapterBenchmarkOptions
{
    /// <summary>Batch of the single-projection input x [batch, sequence, in].</summary>
    public int Batch { get; init; } = 32;

    /// <summary>Sequence length of the single-projection input.</summary>
    public int Sequence { get; init; } = 128;

    /// <summary>Input features of the projection (LLaMA-3.2-1B's hidden size by default).</summary>
    public int InFeatures { get; init; } = 2048;

    /// <summary>Output features of the projection.</summary>
    public int OutFeatures { get; init; } = 2048;

    /// <summary>The rank shared by LoRA and TT-LoRA (and the TT inner bonds), so the comparison is rank matched.</summary>
    public int Rank { get; init; } = 8;

    /// <summary>The small model for the training-step and inference measurements.</summary>
    public LlamaConfig Model { get; init; } = ModelPresets.Get("small");

    /// <summary>Batch for the model measurements.</summary>
    public int ModelBatch { get; init; } = 8;

    /// <summary>Sequence length for the model measurements.</summary>
    public int ModelSequence { get; init; } = 128;

    /// <summary>Untimed runs before measuring each variant.</summary>
    public int Warmup { get; init; } = 2;

    /// <summary>Timed runs per projection variant; the median is reported.</summary>
    public int Repeats { get; init; } = 7;

    /// <summary>Timed runs per variant of the (cheaper) model measurements, where the goals are a few percent.</summary>
    public int ModelRepeats { get; init; } = 21;

    /// <summary>Torch intra-op threads during the run (null: leave as is); restored afterwards.</summary>
    public int? Threads { get; init; }

    /// <summary>
    /// Time with the process's CPU time instead of the wall clock. With one thread this measures the work itself and
    /// is far less disturbed by other programs competing for the cores than wall time is.
    /// </summary>
    public bool UseCpuTime { get; init; }

    /// <summary>Seed for inputs and initialisation.</summary>
    public long Seed { get; init; }

    /// <summary>Receives one line per finished measurement.</summary>
    public IProgress<string>? Progress { get; init; }
}
