using System.Text.Json;
using System.Text.Json.Nodes;

namespace TtLora.Core.Registry;

/// <summary>
/// <c>expert.json</c>: everything needed to trust and reuse an expert besides its weights — what task and labels it
/// serves, how it was trained, how well it did, and which base model it belongs to.
/// </summary>
public sealed record ExpertManifest
{
    public const string FileName = "expert.json";

    public required string Name { get; init; }
    public required string Task { get; init; }
    public string TaskDescription { get; init; } = "";
    public required IReadOnlyList<string> Labels { get; init; }
    /// <summary>tt-lora, lora or bottleneck.</summary>
    public required string AdapterKind { get; init; }
    /// <summary>Human-readable adapter shape (TT shapes per module, rank, targets).</summary>
    public string AdapterShape { get; init; } = "";
    public required long TrainableParameters { get; init; }
    public double ValidationAccuracy { get; init; }
    public double ValidationLoss { get; init; }
    public double TestAccuracy { get; init; }
    public double MajorityBaseline { get; init; }
    public double TrainingSeconds { get; init; }
    public double TokensPerSecond { get; init; }
    public int EpochsRun { get; init; }
    public int BestEpoch { get; init; }
    public required string BaseModel { get; init; }
    public required string BaseModelFingerprint { get; init; }
    public long Seed { get; init; }
    public DateTimeOffset Created { get; init; } = DateTimeOffset.UtcNow;
    public JsonObject TrainingConfig { get; init; } = new();
    /// <summary>Per-epoch history: train loss, validation loss and accuracy.</summary>
    public JsonArray History { get; init; } = new();

    public JsonObject ToJson() => new()
    {
        ["name"] = Name,
        ["task"] = Task,
        ["task_description"] = TaskDescription,
        ["labels"] = new JsonArray(Labels.Select(l => (JsonNode?)l).ToArray()),
        ["adapter_kind"] = AdapterKind,
        ["adapter_shape"] = AdapterShape,
        ["trainable_parameters"] = TrainableParameters,
        ["validation_accuracy"] = Measured(ValidationAccuracy),
        ["validation_loss"] = Measured(ValidationLoss),
        ["test_accuracy"] = Measured(TestAccuracy),
        ["majority_baseline"] = Measured(MajorityBaseline),
        ["training_seconds"] = Measured(TrainingSeconds),
        ["tokens_per_second"] = Measured(TokensPerSecond),
        ["epochs_run"] = EpochsRun,
        ["best_epoch"] = BestEpoch,
        ["base_model"] = BaseModel,
        ["base_model_fingerprint"] = BaseModelFingerprint,
        ["seed"] = Seed,
        ["created"] = Created.ToString("O"),
        ["training_config"] = TrainingConfig.DeepClone(),
        ["history"] = History.DeepClone(),
    };

    /// <summary>JSON has no NaN or Infinity: a value never measured (no test split) or diverged is written as null.</summary>
    public static JsonNode? Measured(double value) => double.IsFinite(value) ? JsonValue.Create(value) : null;

    public void Save(string folder) => AtomicFile.WriteAllText(Path.Combine(folder, FileName),
        ToJson().ToJsonString(new JsonSerializerOptions { WriteIndented = true }) + "\n");

    public static ExpertManifest Load(string folder)
    {
        string path = Path.Combine(folder, FileName);
        if (!File.Exists(path)) throw TtLoraException.InFile(folder, $"not an expert ({FileName} is missing)");
        try
        {
            var json = StrictJson.Parse(File.ReadAllText(path)) as JsonObject ?? throw TtLoraException.InFile(path, "expected a JSON object");
            string Str(string f) => json[f]?.GetValue<string>() ?? throw TtLoraException.InFile(path, $"field \"{f}\" is missing");
            double Num(string f) => json[f]?.GetValue<double>() ?? double.NaN;
            return new ExpertManifest
            {
                Name = Str("name"),
                Task = Str("task"),
                TaskDescription = json["task_description"]?.GetValue<string>() ?? "",
                Labels = json["labels"]?.AsArray().Select(n => n!.GetValue<string>()).ToArray() ?? throw TtLoraException.InFile(path, "field \"labels\" is missing"),
                AdapterKind = Str("adapter_kind"),
                AdapterShape = json["adapter_shape"]?.GetValue<string>() ?? "",
                TrainableParameters = json["trainable_parameters"]?.GetValue<long>() ?? 0,
                ValidationAccuracy = Num("validation_accuracy"),
                ValidationLoss = Num("validation_loss"),
                TestAccuracy = Num("test_accuracy"),
                MajorityBaseline = Num("majority_baseline"),
                TrainingSeconds = Num("training_seconds"),
                TokensPerSecond = Num("tokens_per_second"),
                EpochsRun = json["epochs_run"]?.GetValue<int>() ?? 0,
                BestEpoch = json["best_epoch"]?.GetValue<int>() ?? 0,
                BaseModel = Str("base_model"),
                BaseModelFingerprint = Str("base_model_fingerprint"),
                Seed = json["seed"]?.GetValue<long>() ?? 0,
                Created = DateTimeOffset.Parse(Str("created"), System.Globalization.CultureInfo.InvariantCulture),
                TrainingConfig = json["training_config"]?.AsObject().DeepClone().AsObject() ?? new JsonObject(),
                History = json["history"]?.AsArray().DeepClone().AsArray() ?? new JsonArray(),
            };
        }
        catch (Exception e) when (e is JsonException or InvalidOperationException or FormatException)
        {
            throw TtLoraException.InFile(path, $"not a valid expert manifest ({e.Message})");
        }
    }
}
