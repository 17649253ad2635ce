using System.Text.Json;
using System.Text.Json.Nodes;

namespace TtLora.Core.Routing;

/// <summary>
/// <c>router_config.json</c>: the router's architecture, the experts it routes to (registry names, in router output
/// order) and their tasks, the base model it reads (with its fingerprint), where its features come from, and how it
/// was trained and how well it routes.
/// </summary>
public sealed record RouterConfig
{
    public const string FileName = "router_config.json";
    public const string WeightsFileName = "router.safetensors";

    public required string Name { get; init; }
    public required RouterShape Shape { get; init; }
    /// <summary>Expert names in the registry; index i is the router's output i.</summary>
    public required IReadOnlyList<string> Experts { get; init; }
    /// <summary>The task each expert serves (the router's training target), aligned with <see cref="Experts"/>.</summary>
    public required IReadOnlyList<string> Tasks { get; init; }
    /// <summary>Decoder layer whose output the router reads (null: the final states, two base passes per input).</summary>
    public int? RouteFromLayer { get; init; }
    /// <summary>Whether every expert adapts only layers above <see cref="RouteFromLayer"/>, so one base pass suffices.</summary>
    public bool SinglePass { get; init; }
    /// <summary>Weight on the supervised routing cross-entropy (the reference's 21).</summary>
    public double LossWeight { get; init; } = 21;
    public required string BaseModel { get; init; }
    public required string BaseModelFingerprint { get; init; }
    public long Parameters { get; init; }
    public double TrainAccuracy { get; init; }
    public double ValidationAccuracy { get; init; }
    public double ValidationLoss { get; init; }
    public DateTimeOffset Created { get; init; } = DateTimeOffset.UtcNow;
    /// <summary>Training settings and timings (epochs, learning rate, mix, feature and training seconds, history).</summary>
    public JsonObject Training { get; init; } = new();

    public JsonObject ToJson() => new()
    {
        ["name"] = Name,
        ["router_type"] = RouterKinds.Name(Shape.Kind),
        ["hidden_size"] = Shape.HiddenSize,
        ["num_experts"] = Shape.Experts,
        ["top_k"] = Shape.TopK,
        ["mlp_width"] = Shape.Kind == RouterKind.Mlp ? Shape.EffectiveMlpWidth : null,
        ["attention_heads"] = Shape.Kind == RouterKind.Attention ? Shape.AttentionHeads : null,
        ["pooling"] = RouterPoolings.Applies(Shape.Kind) ? RouterPoolings.Name(Shape.Pooling) : null,
        ["experts"] = new JsonArray(Experts.Select(e => (JsonNode?)e).ToArray()),
        ["tasks"] = new JsonArray(Tasks.Select(t => (JsonNode?)t).ToArray()),
        ["route_from_layer"] = RouteFromLayer,
        ["feature_norm"] = "final_norm",
        ["single_pass"] = SinglePass,
        ["loss_weight"] = LossWeight,
        ["base_model"] = BaseModel,
        ["base_model_fingerprint"] = BaseModelFingerprint,
        ["parameters"] = Parameters,
        ["train_accuracy"] = TrainAccuracy,
        ["validation_accuracy"] = ValidationAccuracy,
        ["validation_loss"] = ValidationLoss,
        ["created"] = Created.ToString("O"),
        ["training"] = Training.DeepClone(),
    };

    public void Save(string folder) => AtomicFile.WriteAllText(Path.Combine(folder, FileName),
        ToJson().ToJsonString(new JsonSerializerOptions { WriteIndented = true }) + "\n");

    public static RouterConfig Load(string folder)
    {
        string path = Path.Combine(folder, FileName);
        if (!File.Exists(path)) throw TtLoraException.InFile(folder, $"not a router ({FileName} is missing)");
        try
        {
            var json = StrictJson.Parse(File.ReadAllText(path)) as JsonObject ?? throw TtLoraException.InFile(path, "expected a JSON object");
            string Str(string f) => json[f]?.GetValue<string>() ?? throw TtLoraException.InFile(path, $"field \"{f}\" is missing");
            int Int(string f) => json[f]?.GetValue<int>() ?? throw TtLoraException.InFile(path, $"field \"{f}\" is missing");
            IReadOnlyList<string> List(string f) => json[f]?.AsArray().Select(n => n!.GetValue<string>()).ToArray() ?? throw TtLoraException.InFile(path, $"field \"{f}\" is missing");
            var experts = List("experts");
            var tasks = List("tasks");
            var shape = new RouterShape(RouterKinds.Parse(Str("router_type"), $"{path}: field \"router_type\""), Int("hidden_size"), Int("num_experts"),
                json["top_k"]?.GetValue<int>() ?? 1, json["mlp_width"]?.GetValue<int>(), json["attention_heads"]?.GetValue<int>() ?? 4,
                json["pooling"] is JsonValue pooling ? RouterPoolings.Parse(pooling.GetValue<string>(), $"{path}: field \"pooling\"") : RouterPooling.Last);
            if (experts.Count != shape.Experts || tasks.Count != shape.Experts)
                throw TtLoraException.InFile(path, $"num_experts is {shape.Experts} but {experts.Count} experts and {tasks.Count} tasks are listed");
            return new RouterConfig
            {
                Name = Str("name"),
                Shape = shape,
                Experts = experts,
                Tasks = tasks,
                RouteFromLayer = json["route_from_layer"]?.GetValue<int>(),
                SinglePass = json["single_pass"]?.GetValue<bool>() ?? false,
                LossWeight = json["loss_weight"]?.GetValue<double>() ?? 21,
                BaseModel = Str("base_model"),
                BaseModelFingerprint = Str("base_model_fingerprint"),
                Parameters = json["parameters"]?.GetValue<long>() ?? 0,
                TrainAccuracy = json["train_accuracy"]?.GetValue<double>() ?? 0,
                ValidationAccuracy = json["validation_accuracy"]?.GetValue<double>() ?? 0,
                ValidationLoss = json["validation_loss"]?.GetValue<double>() ?? 0,
                Created = DateTimeOffset.Parse(Str("created"), System.Globalization.CultureInfo.InvariantCulture),
                Training = json["training"]?.AsObject().DeepClone().AsObject() ?? new JsonObject(),
            };
        }
        catch (Exception e) when (e is JsonException or InvalidOperationException or FormatException)
        {
            throw TtLoraException.InFile(path, $"not a valid router config ({e.Message})");
        }
    }
}
