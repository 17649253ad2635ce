namespace TtLora.Kernel.Jupyter.Cells;

/// <summary>
/// What the guided notebooks 02-04 share, so each one's first cell is its own parameters and one line: the
/// configuration (<c>TTLORA_NOTEBOOK_QUICK=1</c>: a tiny base, three tasks and capped data for minutes of CPU; otherwise
/// the full run), the working folder they pass models, experts and routers through (<c>TTLORA_NOTEBOOK_WORK</c>, else
/// <c>work/</c> beside the notebook, then <c>quick</c> or <c>full</c>), and the sizes of each configuration.
/// In a cell: <c>var setup = NotebookSetup.FromEnvironment();</c>, then <c>{setup.BaseModel}</c> in magic lines.
/// </summary>
public sealed record NotebookSetup
{
    public const string QuickVariable = "TTLORA_NOTEBOOK_QUICK";
    public const string WorkVariable = "TTLORA_NOTEBOOK_WORK";

    /// <summary>True for the quick configuration.</summary>
    public required bool Quick { get; init; }
    /// <summary>"quick" or "full".</summary>
    public string Configuration => Quick ? "quick" : "full";
    /// <summary>The working folder (absolute).</summary>
    public required string Work { get; init; }
    /// <summary>The base model's folder, pretrained from scratch by notebook 02 (or whichever runs first).</summary>
    public string BaseModel => Path.Combine(Work, "base");
    /// <summary>The expert registry folder; routers live in its <c>routers</c> folder.</summary>
    public string Registry => Path.Combine(Work, "registry");
    /// <summary>The demo tasks of this configuration.</summary>
    public required string[] Tasks { get; init; }

    /// <summary>Base model architecture preset (<c>pretrain --preset</c>).</summary>
    public required string Preset { get; init; }
    public required int PretrainSteps { get; init; }
    public required int VocabSize { get; init; }
    /// <summary>Pretraining sequence length.</summary>
    public required int SeqLen { get; init; }

    /// <summary>Stage one: epochs per expert.</summary>
    public required int Epochs { get; init; }
    /// <summary>Stage one: training examples per task at most.</summary>
    public required int MaxTrainExamples { get; init; }
    /// <summary>Tokens per example at most (training, routing and evaluation).</summary>
    public required int MaxLength { get; init; }

    /// <summary>Stage two: router epochs.</summary>
    public required int RouterEpochs { get; init; }
    /// <summary>Stage two: router training examples per task (<c>route-train --mix capped --cap</c>).</summary>
    public required int RouterCap { get; init; }
    /// <summary>Evaluation: test examples per task at most (<c>eval --max-examples</c>, a seeded random subset; the full run takes all).</summary>
    public required int EvalExamples { get; init; }

    /// <summary>The registry the working folder holds.</summary>
    public Core.Registry.ExpertRegistry Experts => new(Registry);

    /// <summary>An expert's registry name as <c>train</c> gives it by default: TASK-ADAPTER.</summary>
    public string ExpertName(string task) => $"{task}-tt-lora";

    /// <summary>The configuration the environment selects; relative folders resolve against the current folder (the notebook's).</summary>
    public static NotebookSetup FromEnvironment()
    {
        bool quick = Environment.GetEnvironmentVariable(QuickVariable) == "1";
        string root = Environment.GetEnvironmentVariable(WorkVariable) is { Length: > 0 } chosen ? chosen : "work";
        string work = Path.GetFullPath(Path.Combine(root, quick ? "quick" : "full"));
        return quick
            ? new NotebookSetup
            {
                Quick = true, Work = work, Tasks = ["spam", "sotu-party", "reuters-grain"],
                Preset = "tiny", PretrainSteps = 100, VocabSize = 512, SeqLen = 64,
                Epochs = 1, MaxTrainExamples = 200, MaxLength = 64,
                RouterEpochs = 10, RouterCap = 150, EvalExamples = 40,
            }
            : new NotebookSetup
            {
                Quick = false, Work = work, Tasks = ["spam", "brown-genre", "sotu-party", "fortune-category", "reuters-grain"],
                Preset = "small", PretrainSteps = 900, VocabSize = 4096, SeqLen = 128,
                Epochs = 4, MaxTrainExamples = 1200, MaxLength = 96,
                RouterEpochs = 30, RouterCap = 1200, EvalExamples = 100_000,
            };
    }

    public override string ToString() => $"{Configuration} configuration: {string.Join(", ", Tasks)}; working folder {Work}";
}
