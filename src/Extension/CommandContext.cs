using TtLora.Core.Registry;
using TtLora.Core.Training;

namespace TtLora.Extension;

/// <summary>
/// What a verb needs from its host: session defaults (set by <c>use</c> in a notebook, or flags in a terminal),
/// a sink for the objects verbs produce, and cancellation. Hosts decide how results look.
/// </summary>
public sealed class CommandContext
{
    /// <summary>Default model folder when a verb's --model is omitted.</summary>
    public string? Model { get; set; }
    /// <summary>Default device choice: auto, cpu or cuda.</summary>
    public string Device { get; set; } = "auto";

    /// <summary>Default expert registry folder.</summary>
    public string Registry { get; set; } = ExpertRegistry.DefaultPath;

    /// <summary>Receives training progress; the terminal draws a progress bar, a notebook a live chart.</summary>
    public Action<TrainingProgress> Progress { get; init; } = _ => { };

    /// <summary>Receives one-line notes about long work in progress (terminal: stderr; notebook: the cell's stream).</summary>
    public Action<string> Log { get; init; } = _ => { };

    /// <summary>Receives each result a verb produces; <c>json</c> says the user asked for machine-readable output.</summary>
    public Action<ICommandResult, bool> Emit { get; init; } = (_, _) => { };

    public CancellationToken Cancellation { get; set; }
}
