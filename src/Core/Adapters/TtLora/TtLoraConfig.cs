using System.Text.Json.Nodes;
using TtLora.Core.TensorTrains;
using static TorchSharp.torch;

namespace TtLora.Core.Adapters;

/// <summary>
/// TT-LoRA settings (<c>peft_type</c> "TTLORA", this project's format). Factors are given per module name
/// (e.g. <c>q_proj</c>) or per target entry; a module without explicit factors gets
/// <see cref="TtShapePlanner"/>'s plan for its in/out features, which reproduces the paper's LLaMA-3.2-1B shapes.
/// </summary>
public sealed record TtLoraConfig : AdapterConfig
{
    /// <summary>The peft_type.</summary>
    public const string Type = "TTLORA";

    public TtLoraConfig()
    {
        TargetModules = ["q_proj", "v_proj"];
    }

    /// <inheritdoc/>
    public override AdapterKind Kind => TtLoraKind.Instance;

    /// <summary>r: the rank of every inner bond (the paper's 5).</summary>
    public int R { get; init; } = 5;

    /// <summary>The plain multiplier on the train's output (the paper's 16).</summary>
    public double Alpha { get; init; } = TtLoraAdapter.DefaultAlpha;

    /// <summary>input_factors per module name or target entry.</summary>
    public IReadOnlyDictionary<string, IReadOnlyList<int>> InputFactors { get; init; } = new Dictionary<string, IReadOnlyList<int>>();

    /// <summary>output_factors per module name or target entry.</summary>
    public IReadOnlyDictionary<string, IReadOnlyList<int>> OutputFactors { get; init; } = new Dictionary<string, IReadOnlyList<int>>();

    /// <summary>Explicit bond ranks per module name (<c>[1, r1, ..., 1]</c>); overrides <see cref="R"/> there.</summary>
    public IReadOnlyDictionary<string, IReadOnlyList<int>> TtRanks { get; init; } = new Dictionary<string, IReadOnlyList<int>>();

    /// <summary>How fresh cores are initialised.</summary>
    public TtInitialization Init { get; init; } = TtInitialization.Direct;

    /// <summary>Which computation the adapters use in forward.</summary>
    public TtForwardPath Path { get; init; } = TtForwardPath.Factorized;

    /// <summary>The hidden size of the model the adapter was made for (written on save, checked on load).</summary>
    public int? HiddenSize { get; init; }

    /// <summary>
    /// The TT shape at one site: explicit factors under the module's name, else under the target entry, else the
    /// planner's. Throws a <see cref="TtLoraException"/> when the factors do not multiply to the site's features.
    /// </summary>
    public TtShape ShapeFor(AdapterSite site, string target)
    {
        string? key = InputFactors.ContainsKey(site.Name) || OutputFactors.ContainsKey(site.Name) ? site.Name
            : InputFactors.ContainsKey(target) || OutputFactors.ContainsKey(target) ? target : null;
        TtShape shape;
        if (key is null)
        {
            shape = TtRanks.TryGetValue(site.Name, out var planRanks)
                ? PlannedWithRanks(site, planRanks)
                : TtShapePlanner.Plan(site.InFeatures, site.OutFeatures, R, name: site.Name);
        }
        else
        {
            if (!InputFactors.TryGetValue(key, out var input)) throw new TtLoraException($"input_factors has no entry for \"{key}\" although output_factors has one");
            if (!OutputFactors.TryGetValue(key, out var output)) throw new TtLoraException($"output_factors has no entry for \"{key}\" although input_factors has one");
            shape = TtRanks.TryGetValue(site.Name, out var ranks)
                ? new TtShape(input, output, ranks, site.Name)
                : new TtShape(input, output, R, site.Name);
        }
        shape.ValidateFor(site.Path, site.InFeatures, site.OutFeatures);
        return shape;
    }

    /// <inheritdoc/>
    public override void Validate(string source)
    {
        base.Validate(source);
        if (R < 1) throw TtLoraException.InFile(source, $"field \"r\" is {R}; TT ranks must be at least 1");
        if (!double.IsFinite(Alpha)) throw TtLoraException.InFile(source, "field \"alpha\" must be a finite number");
        foreach (var key in InputFactors.Keys.Union(OutputFactors.Keys))
        {
            if (!InputFactors.ContainsKey(key)) throw TtLoraException.InFile(source, $"field \"input_factors\" has no entry for \"{key}\" although output_factors has one");
            if (!OutputFactors.ContainsKey(key)) throw TtLoraException.InFile(source, $"field \"output_factors\" has no entry for \"{key}\" although input_factors has one");
            try
            {
                _ = TtRanks.TryGetValue(key, out var ranks) ? new TtShape(InputFactors[key], OutputFactors[key], ranks, key) : new TtShape(InputFactors[key], OutputFactors[key], R, key);
            }
            catch (TtLoraException e)
            {
                throw TtLoraException.InFile(source, e.Message);
            }
        }
    }

    /// <inheritdoc/>
    public override IReadOnlyList<(string Name, long[] Shape)> ParameterShapes(AdapterSite site, string target)
    {
        var shape = ShapeFor(site, target);
        return [.. Enumerable.Range(0, shape.CoreCount).Select(k => (CoreName(k), shape.CoreShape(k)))];
    }

    /// <inheritdoc/>
    public override IReadOnlyList<string> ParameterNames(string moduleName, int layer, string target) =>
        [.. Enumerable.Range(0, ExplicitShape(moduleName, target).CoreCount).Select(CoreName)];

    /// <summary>The file name of core k under its module.</summary>
    public static string CoreName(int k) => $"tt_cores.{k}";

    /// <summary>
    /// The TT shape from the config's own factors (a saved config records them for every module), without a base model.
    /// </summary>
    public TtShape ExplicitShape(string moduleName, string target)
    {
        string? key = InputFactors.ContainsKey(moduleName) ? moduleName : InputFactors.ContainsKey(target) ? target : null;
        if (key is null || !OutputFactors.ContainsKey(key))
            throw new TtLoraException($"fields \"input_factors\" and \"output_factors\" have no entry for {moduleName}; without the base model they are the only source of its TT shape");
        return TtRanks.TryGetValue(moduleName, out var ranks)
            ? new TtShape(InputFactors[key], OutputFactors[key], ranks, moduleName)
            : new TtShape(InputFactors[key], OutputFactors[key], R, moduleName);
    }

    /// <inheritdoc/>
    public override int PlanRank(AdapterSite site, string target) => ShapeFor(site, target).BridgeRank;

    /// <inheritdoc/>
    public override PlanDetails PlanDetails(AdapterSite site, string target) => new TtPlanDetails(ShapeFor(site, target));

    /// <inheritdoc/>
    public override int? TrainedHiddenSize => HiddenSize;

    /// <summary>Loaded values replace the initial ones, so the costly TT-SVD initialisation is skipped.</summary>
    public override AdapterConfig ForLoading() => this with { Init = TtInitialization.Direct };

    /// <summary>Records each module's factors (and its ranks where they are not all <see cref="R"/>) and the hidden size.</summary>
    public override AdapterConfig CompleteFrom(IReadOnlyList<(AdapterSite Site, Adapter Adapter)> attached, Models.LlamaConfig model)
    {
        var input = new Dictionary<string, IReadOnlyList<int>>();
        var output = new Dictionary<string, IReadOnlyList<int>>();
        var ranks = new Dictionary<string, IReadOnlyList<int>>();
        foreach (var (site, adapter) in attached)
        {
            var a = (TtLoraAdapter)adapter;
            if (a.Alpha != Alpha) throw new TtLoraException($"{site.Path}: the attached TT-LoRA has alpha {a.Alpha} but the config says {Alpha}");
            if (input.TryGetValue(site.Name, out var known) && (!known.SequenceEqual(a.Shape.InputFactors) || !output[site.Name].SequenceEqual(a.Shape.OutputFactors)))
                throw new TtLoraException($"{site.Path}: TT shapes of {site.Name} differ between layers; the file format keeps one shape per module name");
            input[site.Name] = a.Shape.InputFactors;
            output[site.Name] = a.Shape.OutputFactors;
            if (!a.Shape.Ranks.Skip(1).SkipLast(1).All(r => r == R)) ranks[site.Name] = a.Shape.Ranks;
        }
        return this with { InputFactors = input, OutputFactors = output, TtRanks = ranks, HiddenSize = model.HiddenSize };
    }

    /// <inheritdoc/>
    public override Adapter CreateAdapter(AdapterSite site, string target, long? seed, ScalarType dtype, Device? device) =>
        new TtLoraAdapter(ShapeFor(site, target), Alpha, Init, Path, seed, dtype, device);

    /// <inheritdoc/>
    public override JsonObject ToJson()
    {
        var json = CommonJson();
        json["r"] = R;
        json["alpha"] = Alpha;
        json["input_factors"] = IntListMap(InputFactors);
        json["output_factors"] = IntListMap(OutputFactors);
        json["tt_shape"] = IntListMap(InputFactors.Keys.Where(OutputFactors.ContainsKey)
            .Select(k => KeyValuePair.Create(k, (IReadOnlyList<int>)[.. InputFactors[k], .. OutputFactors[k].Reverse()])));
        if (TtRanks.Count > 0) json["tt_ranks"] = IntListMap(TtRanks);
        json["init"] = InitName(Init);
        json["forward_path"] = PathName(Path);
        json["hidden_size"] = HiddenSize;
        return json;
    }

    /// <summary>File name of an initialisation.</summary>
    public static string InitName(TtInitialization init) => init == TtInitialization.Direct ? "direct" : "decompose";

    /// <summary>File name of a forward path.</summary>
    public static string PathName(TtForwardPath path) => path.ToString().ToLowerInvariant();

    internal static TtLoraConfig FromJson(JsonFields fields)
    {
        var config = ReadCommon(new TtLoraConfig(), fields);
        var init = fields.String("init") ?? "direct";
        var path = fields.String("forward_path") ?? "factorized";
        var ranks = fields.IntListMap("tt_ranks");
        config = config with
        {
            R = fields.Int("r") ?? 5,
            Alpha = fields.Double("alpha") ?? TtLoraAdapter.DefaultAlpha,
            InputFactors = fields.IntListMap("input_factors"),
            OutputFactors = fields.IntListMap("output_factors"),
            TtRanks = ranks,
            HiddenSize = fields.Int("hidden_size"),
            Init = init switch
            {
                "direct" or "direct_init" => TtInitialization.Direct,
                "decompose" or "init_and_decompose" => TtInitialization.Decompose,
                _ => throw fields.Error("init", $"is \"{init}\"; expected \"direct\" or \"decompose\""),
            },
            Path = path switch
            {
                "factorized" => TtForwardPath.Factorized,
                "contraction" => TtForwardPath.Contraction,
                "reconstruction" => TtForwardPath.Reconstruction,
                _ => throw fields.Error("forward_path", $"is \"{path}\"; expected \"factorized\", \"contraction\" or \"reconstruction\""),
            },
        };
        // tt_shape is redundant; when present it must agree with the factors.
        foreach (var (key, modes) in fields.IntListMap("tt_shape"))
        {
            if (!config.InputFactors.ContainsKey(key) || !config.OutputFactors.ContainsKey(key)) continue;
            try
            {
                new TtShape(config.InputFactors[key], config.OutputFactors[key], config.R, key).ValidateModes(modes, $"tt_shape.{key}");
            }
            catch (TtLoraException e)
            {
                throw TtLoraException.InFile(fields.Source, e.Message);
            }
        }
        return config;
    }

    private TtShape PlannedWithRanks(AdapterSite site, IReadOnlyList<int> ranks)
    {
        var planned = TtShapePlanner.Plan(site.InFeatures, site.OutFeatures, R, name: site.Name);
        return new TtShape(planned.InputFactors, planned.OutputFactors, ranks, site.Name);
    }
}
