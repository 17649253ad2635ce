using TtLora.Core.Formats;
using TtLora.Core.Registry;
using static TorchSharp.torch;

namespace TtLora.Core.Routing;

/// <summary>
/// Routers live next to the experts they route to, in <c>&lt;registry&gt;/routers/&lt;name&gt;/</c>
/// (<c>router_config.json</c>, <c>router.safetensors</c>, and <c>eval.json</c> once evaluated). Like experts, a router
/// appears with one directory rename, so no reader ever sees half of one.
/// </summary>
public sealed class RouterStore
{
    public const string FolderName = "routers";
    public const string EvaluationFileName = "eval.json";

    public RouterStore(ExpertRegistry registry)
    {
        Registry = registry;
        Root = Path.Combine(registry.Root, FolderName);
    }

    public ExpertRegistry Registry { get; }
    public string Root { get; }

    public string PathOf(string name) => Path.Combine(Root, name);

    public bool Contains(string name) => File.Exists(Path.Combine(PathOf(name), RouterConfig.FileName));

    /// <summary>Every complete router, by name.</summary>
    public IReadOnlyList<RouterConfig> List() => !Directory.Exists(Root) ? [] :
        Directory.GetDirectories(Root).Where(d => !Path.GetFileName(d).StartsWith('.') && File.Exists(Path.Combine(d, RouterConfig.FileName)))
            .Select(RouterConfig.Load).OrderBy(c => c.Name, StringComparer.Ordinal).ToArray();

    public RouterConfig Get(string name)
    {
        ExpertRegistry.ValidateName(name);
        if (!Contains(name))
        {
            var known = List().Select(c => c.Name).ToArray();
            throw new TtLoraException($"router \"{name}\" is not in {Root}" + (known.Length > 0 ? $" (it has: {string.Join(", ", known)})" : " (there are no routers yet; train one with route-train)"));
        }
        return RouterConfig.Load(PathOf(name));
    }

    /// <summary>The right to write the router <paramref name="name"/> (see <see cref="FolderClaim"/>).</summary>
    public FolderClaim Claim(string name)
    {
        ExpertRegistry.ValidateName(name);
        AtomicFolder.EnsureWritable(PathOf(name), "--registry");
        return FolderClaim.Acquire(PathOf(name), $"router \"{name}\" in {Root}");
    }

    /// <summary>
    /// Writes a router's config and weights and makes it visible under its name (replacing an older one), under
    /// <paramref name="claim"/> when the caller holds it already.
    /// </summary>
    public void Save(RouterConfig config, Router router, FolderClaim? claim = null)
    {
        using var own = claim is null ? Claim(config.Name) : null;
        (claim ?? own!).Write(staging =>
        {
            using (var scope = NewDisposeScope())
                SafeTensorsWriter.Write(Path.Combine(staging, RouterConfig.WeightsFileName),
                    router.NamedTensors().Select(p => (p.Name, p.Value.detach().to(ScalarType.Float32, CPU).contiguous())),
                    new Dictionary<string, string> { ["format"] = "pt" });
            config.Save(staging);
        });
    }

    /// <summary>
    /// Loads a router after checking that every expert it names is in the registry and that all of them, and the router,
    /// belong to one base model.
    /// </summary>
    public (RouterConfig Config, Router Router) Load(string name, Device? device = null)
    {
        var config = Get(name);
        ExpertCompatibility.Check(Registry, config.Experts, config.BaseModelFingerprint, $"router \"{name}\"");
        string weights = Path.Combine(PathOf(name), RouterConfig.WeightsFileName);
        if (!File.Exists(weights)) throw TtLoraException.InFile(weights, "router weights not found");
        var router = Router.Create(config.Shape);
        try
        {
            using var file = SafeTensorsFile.Open(weights);
            var expected = router.NamedTensors();
            var extra = file.Names.Except(expected.Select(p => p.Name)).ToArray();
            if (extra.Length > 0) throw TtLoraException.InFile(weights, $"unexpected tensor(s) for a {RouterKinds.Name(config.Shape.Kind)} router: {string.Join(", ", extra)}");
            using var noGrad = torch.no_grad();
            foreach (var (key, parameter) in expected)
            {
                if (!file.Names.Contains(key)) throw TtLoraException.InFile(weights, $"missing tensor \"{key}\"");
                using var stored = file.Load(key);
                if (!stored.shape.SequenceEqual(parameter.shape))
                    throw TtLoraException.InFile(weights, $"tensor \"{key}\" has shape [{string.Join(",", stored.shape)}] but router_config.json implies [{string.Join(",", parameter.shape)}]");
                parameter.copy_(stored);
            }
            foreach (var p in router.parameters()) p.requires_grad = false;
            router.eval();
            if (device is not null) router.to(device);
            return (config, router);
        }
        catch
        {
            router.Dispose();
            throw;
        }
    }
}
