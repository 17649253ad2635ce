using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;
using static TorchSharp.torch;

namespace TtLora.Core.Adapters;

/// <summary>
/// What to attach and where: the kind-independent part of an adapter configuration (<c>adapter_config.json</c>);
/// each kind's config (<see cref="LoraConfig"/>, <see cref="TtLoraConfig"/>, ...) adds its own settings and says
/// which tensors an adapter at a site has, which is all loading, saving, planning and mixing need to know.
/// </summary>
public abstract record AdapterConfig
{
    /// <summary>task_type for a sequence classifier.</summary>
    public const string SequenceClassification = "SEQ_CLS";

    /// <summary>task_type for a causal language model.</summary>
    public const string CausalLM = "CAUSAL_LM";

    /// <summary>The classification head's module name, the one <see cref="ModulesToSave"/> may name.</summary>
    public const string HeadModule = "score";

    /// <summary>No adapter may hold more than this many times the values of the dense update of its site.</summary>
    public const int MaxValuesPerDenseValue = 16;

    /// <summary>The adapter family.</summary>
    public abstract AdapterKind Kind { get; }

    /// <summary>The <c>peft_type</c> written to the config file.</summary>
    public string PeftType => Kind.PeftType;

    /// <summary>Module names or name suffixes to adapt (see <see cref="TargetMatcher"/>).</summary>
    public IReadOnlyList<string> TargetModules { get; init; } = [];

    /// <summary>PEFT's string form of target_modules: one regular expression over whole module names. Overrides <see cref="TargetModules"/>.</summary>
    public string? TargetModulesRegex { get; init; }

    /// <summary>Decoder layers to adapt (null: all), PEFT's layers_to_transform.</summary>
    public IReadOnlyList<int>? LayersToTransform { get; init; }

    /// <summary>"SEQ_CLS" or "CAUSAL_LM" (or null).</summary>
    public string? TaskType { get; init; } = SequenceClassification;

    /// <summary>Whole modules trained and saved with the adapter: <c>["score"]</c> when the head is trained, else null.</summary>
    public IReadOnlyList<string>? ModulesToSave { get; init; }

    /// <summary>Where the base model came from (informational).</summary>
    public string? BaseModelNameOrPath { get; init; }

    /// <summary>The base model's revision (informational).</summary>
    public string? Revision { get; init; }

    /// <summary>Whether the classification head is trained and saved with the adapter.</summary>
    public bool TrainsHead => ModulesToSave?.Contains(HeadModule) == true;

    /// <summary>A description of the targets for messages.</summary>
    public string TargetsDescription => TargetModulesRegex is not null ? $"\"{TargetModulesRegex}\"" : $"[{string.Join(", ", TargetModules)}]";

    /// <summary>Throws a <see cref="TtLoraException"/> naming <paramref name="source"/> and the field when a value cannot work.</summary>
    public virtual void Validate(string source)
    {
        if (TargetModulesRegex is null && TargetModules.Count == 0)
            throw TtLoraException.InFile(source, "field \"target_modules\" is empty; name at least one module (e.g. q_proj)");
        if (LayersToTransform is { } layers && layers.Any(l => l < 0))
            throw TtLoraException.InFile(source, $"field \"layers_to_transform\" contains {layers.First(l => l < 0)}; layer indices start at 0");
        if (TaskType is not null and not SequenceClassification and not CausalLM)
            throw TtLoraException.InFile(source, $"field \"task_type\" is \"{TaskType}\"; expected \"{SequenceClassification}\" or \"{CausalLM}\"");
    }

    /// <summary>
    /// The tensors an adapter at <paramref name="site"/> has, under the names files use (relative to the module:
    /// <c>lora_A.weight</c>, <c>tt_cores.0</c>, ...), in file order. Throws a <see cref="TtLoraException"/> when the
    /// settings cannot fit the site. Computed without allocating anything.
    /// </summary>
    /// <param name="target">The target entry that selected the site.</param>
    public abstract IReadOnlyList<(string Name, long[] Shape)> ParameterShapes(AdapterSite site, string target);

    /// <summary>
    /// The names <see cref="ParameterShapes"/> gives for a module of this name, known from the config alone (used when
    /// an adapter folder is read without its base model).
    /// </summary>
    public abstract IReadOnlyList<string> ParameterNames(string moduleName, int layer, string target);

    /// <summary>
    /// Trainable values of the adapter at one site. Refuses (before anything is allocated) an adapter larger than
    /// <see cref="MaxValuesPerDenseValue"/> times its site's dense update, which no useful setting comes near.
    /// </summary>
    public long ParameterCount(AdapterSite site, string target)
    {
        long count;
        try
        {
            count = checked(ParameterShapes(site, target).Sum(p => p.Shape.Aggregate(1L, (a, b) => a * b)));
        }
        catch (OverflowException)
        {
            count = long.MaxValue;
        }
        long dense = (long)site.InFeatures * site.OutFeatures;
        if (count > MaxValuesPerDenseValue * dense)
            throw new TtLoraException($"{site.Path}: a {Kind.Name} adapter with these settings would hold {(count == long.MaxValue ? "more than 2^63" : count.ToString("N0"))} values, " +
                $"more than {MaxValuesPerDenseValue} times the {dense:N0} of the dense {site.InFeatures}x{site.OutFeatures} update; choose a smaller rank or width");
        return count;
    }

    /// <summary>Builds a freshly initialised adapter for one site; its file parameters have the shapes <see cref="ParameterShapes"/> lists.</summary>
    /// <param name="site">Where it goes.</param>
    /// <param name="target">The target entry that selected the site.</param>
    /// <param name="seed">Seed for its initialisation (null: torch's global generator).</param>
    public abstract Adapter CreateAdapter(AdapterSite site, string target, long? seed, ScalarType dtype, Device? device);

    /// <summary>
    /// The config to save for adapters attached at <paramref name="attached"/>: completed with what only the adapters
    /// know (TT factors, widths, the model's hidden size), after checking that they agree with this config.
    /// </summary>
    public virtual AdapterConfig CompleteFrom(IReadOnlyList<(AdapterSite Site, Adapter Adapter)> attached, Models.LlamaConfig model) => this;

    /// <summary>The rank (or width) a plan row shows for one site.</summary>
    public abstract int PlanRank(AdapterSite site, string target);

    /// <summary>Kind-specific columns of a plan row (e.g. TT shapes), or null.</summary>
    public virtual PlanDetails? PlanDetails(AdapterSite site, string target) => null;

    /// <summary>
    /// The config completed for a model (e.g. a per-layer expert allocation given as groups becomes one count per layer);
    /// injection, planning and reading call it before selecting sites. By default nothing depends on the model.
    /// </summary>
    public virtual AdapterConfig ResolveFor(Models.LlamaConfig model) => this;

    /// <summary>The model's hidden size the adapter was made for, when the config records it (checked on load).</summary>
    public virtual int? TrainedHiddenSize => null;

    /// <summary>The config to build adapters with when their values come from a file (skips costly initialisation).</summary>
    public virtual AdapterConfig ForLoading() => this;

    /// <summary>The config as written to <c>adapter_config.json</c>.</summary>
    public abstract JsonObject ToJson();

    /// <summary>The JSON text of <see cref="ToJson"/>, keys sorted and indented by two as PEFT writes them.</summary>
    public string ToJsonText()
    {
        var sorted = new JsonObject(ToJson().OrderBy(kv => kv.Key, StringComparer.Ordinal)
            .Select(kv => KeyValuePair.Create(kv.Key, kv.Value?.DeepClone())));
        var options = new JsonSerializerOptions { WriteIndented = true, IndentSize = 2, Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };
        return sorted.ToJsonString(options) + "\n";
    }

    /// <summary>Reads an <c>adapter_config.json</c> of any supported peft_type.</summary>
    public static AdapterConfig Load(string path)
    {
        if (!File.Exists(path)) throw TtLoraException.InFile(path, "adapter config not found");
        JsonObject json;
        try
        {
            json = JsonNode.Parse(File.ReadAllText(path)) as JsonObject ?? throw TtLoraException.InFile(path, "expected a JSON object");
        }
        catch (JsonException e)
        {
            throw TtLoraException.InFile(path, $"not valid JSON ({e.Message})");
        }
        return Parse(json, path);
    }

    /// <summary>Parses a config object; unknown fields are ignored, as PEFT ignores them.</summary>
    public static AdapterConfig Parse(JsonObject json, string source)
    {
        var fields = new JsonFields(json, source);
        var type = fields.String("peft_type") ?? throw TtLoraException.InFile(source, "required field \"peft_type\" is missing");
        var kind = AdapterKinds.WithPeftType(type)
            ?? throw fields.Error("peft_type", $"is \"{type}\"; supported: {string.Join(", ", AdapterKinds.All.Select(k => k.PeftType))}");
        var config = kind.ReadConfig(fields);
        config.Validate(source);
        return config;
    }

    /// <summary>Reads the fields every kind shares.</summary>
    private protected static T ReadCommon<T>(T config, JsonFields fields) where T : AdapterConfig
    {
        string? regex = fields.IsString("target_modules") ? fields.String("target_modules") : null;
        return config with
        {
            TargetModules = regex is null ? fields.StringList("target_modules") ?? config.TargetModules : [],
            TargetModulesRegex = regex,
            LayersToTransform = fields.IntList("layers_to_transform"),
            TaskType = fields.String("task_type"),
            ModulesToSave = fields.StringList("modules_to_save"),
            BaseModelNameOrPath = fields.String("base_model_name_or_path"),
            Revision = fields.String("revision"),
        };
    }

    /// <summary>Writes the fields every kind shares.</summary>
    private protected JsonObject CommonJson() => new()
    {
        ["peft_type"] = PeftType,
        ["base_model_name_or_path"] = BaseModelNameOrPath,
        ["revision"] = Revision,
        ["task_type"] = TaskType,
        ["target_modules"] = TargetModulesRegex is not null ? JsonValue.Create(TargetModulesRegex) : new JsonArray([.. TargetModules.Select(t => JsonValue.Create(t))]),
        ["layers_to_transform"] = LayersToTransform is null ? null : new JsonArray([.. LayersToTransform.Select(l => JsonValue.Create(l))]),
        ["modules_to_save"] = ModulesToSave is null ? null : new JsonArray([.. ModulesToSave.Select(m => JsonValue.Create(m))]),
        ["inference_mode"] = true,
    };

    private protected static JsonObject IntListMap(IEnumerable<KeyValuePair<string, IReadOnlyList<int>>> map) =>
        new(map.OrderBy(kv => kv.Key, StringComparer.Ordinal)
            .Select(kv => KeyValuePair.Create(kv.Key, (JsonNode?)new JsonArray([.. kv.Value.Select(v => JsonValue.Create(v))]))));
}
