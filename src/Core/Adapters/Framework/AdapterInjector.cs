using TorchSharp.Modules;
using TtLora.Core.Models;
using static TorchSharp.torch;

namespace TtLora.Core.Adapters;

/// <summary>
/// Attaches adapters to a Llama model (causal LM or sequence classifier) by module name, and manages them:
/// select, enable/disable, merge/unmerge, remove, detach. Its state lives in the model (the wrappers), so any
/// number of injectors may be made for the same model.
/// </summary>
/// <remarks>
/// Base checkpoints: an adapted model's <c>state_dict</c> has PEFT's in-memory layout
/// (<c>...q_proj.base_layer.weight</c>, <c>...q_proj.adapters.default.lora_A.weight</c>). To save or load the
/// base model in Hugging Face's layout (<c>...q_proj.weight</c>) with <see cref="LlamaCheckpoint"/>, do it inside
/// <see cref="DetachTemporarily"/>, which puts the plain modules back for the duration.
/// </remarks>
public sealed class AdapterInjector
{
    private readonly nn.Module model;
    private readonly LlamaModel decoder;

    /// <param name="model">A <see cref="LlamaForCausalLM"/> or <see cref="LlamaForSequenceClassification"/>.</param>
    public AdapterInjector(nn.Module model)
    {
        if (model is not ILlamaWithHead withHead)
            throw new TtLoraException($"adapters attach to Llama models (LlamaForCausalLM or LlamaForSequenceClassification), not to a {model.GetType().Name}");
        this.model = model;
        decoder = withHead.Model;
        Config = withHead.Config;
        Sites = LlamaAdapterSites.Enumerate(Config);
    }

    /// <summary>The model's architecture.</summary>
    public LlamaConfig Config { get; }

    /// <summary>Every module adapters can attach to.</summary>
    public IReadOnlyList<AdapterSite> Sites { get; }

    /// <summary>The wrappers currently in the model, in model order.</summary>
    public IReadOnlyList<AdaptedModule> AdaptedModules => Sites.Select(s => LlamaAdapterSites.Get(decoder, s)).OfType<AdaptedModule>().ToArray();

    /// <summary>Names of all attached adapters.</summary>
    public IReadOnlyList<string> AdapterNames => AdaptedModules.SelectMany(m => m.AdapterNames).Distinct().ToArray();

    /// <summary>Whether any adapter is merged into a base weight.</summary>
    public bool IsMerged => AdaptedModules.OfType<AdaptedLinear>().Any(m => m.MergedAdapter is not null);

    /// <summary>
    /// Builds fresh adapters from <paramref name="config"/>, attaches them under <paramref name="adapterName"/>, makes
    /// it the model's active adapter (modules without it run none), and freezes everything else (base weights; other adapters; the head unless the config trains it).
    /// Nothing is changed when a target, layer or shape does not fit.
    /// </summary>
    /// <param name="seed">Seed for the adapters' initialisation (each module gets seed + its index); null uses torch's global generator.</param>
    public AdapterAttachment Inject(AdapterConfig config, string adapterName = "default", long? seed = null)
    {
        config = config.ResolveFor(Config);
        config.Validate("adapter config");
        var targets = AdapterTargets.Select(Config, config);
        // Sizes are checked for every site before the first tensor is allocated.
        foreach (var (site, target) in targets) config.ParameterCount(site, target);
        var adapters = new List<Adapter>(targets.Count);
        try
        {
            for (int i = 0; i < targets.Count; i++)
            {
                var (device, dtype) = PlacementOf(targets[i].Site);
                adapters.Add(config.CreateAdapter(targets[i].Site, targets[i].Target, seed is null ? null : seed + i, dtype, device));
            }
            Attach(targets, adapters, adapterName, config);
        }
        catch
        {
            foreach (var adapter in adapters) adapter.Dispose();
            throw;
        }
        Freeze(adapterName, config.TrainsHead);
        return new AdapterAttachment(adapterName, config, targets.Select(t => t.Site.Path).ToArray(), adapters.Sum(a => a.ParameterCount));
    }

    /// <summary>Attaches ready adapters (one per target) after checking that all of them fit.</summary>
    internal void Attach(IReadOnlyList<AdapterTarget> targets, IReadOnlyList<Adapter> adapters, string adapterName, AdapterConfig config)
    {
        AdapterSet.CheckName(adapterName);
        if (config.TrainsHead && model is not LlamaForSequenceClassification)
            throw new TtLoraException($"modules_to_save names \"{AdapterConfig.HeadModule}\" but a {model.GetType().Name} has no classification head");
        if (AdaptedModules.OfType<AdaptedLinear>().FirstOrDefault(m => m.MergedAdapter is not null) is { } merged)
            throw new TtLoraException($"{merged.Path}: adapter \"{merged.MergedAdapter}\" is merged; unmerge before attaching another adapter");
        foreach (var target in targets)
        {
            if (LlamaAdapterSites.Get(decoder, target.Site) is AdaptedModule existing && existing.HasAdapter(adapterName))
                throw new TtLoraException($"{target.Site.Path} already has an adapter named \"{adapterName}\"; remove it first or choose another name");
        }
        for (int i = 0; i < targets.Count; i++)
        {
            var site = targets[i].Site;
            var wrapper = LlamaAdapterSites.Get(decoder, site) as AdaptedModule ?? Wrap(site);
            // A new module starts in training mode; it must follow the model's mode (dropout only while training).
            adapters[i].train(model.training);
            wrapper.AddAdapter(adapterName, adapters[i], activate: false);
        }
        // The new adapter becomes the model's running adapter; modules that do not carry it run none.
        SetActiveAdapter(adapterName);
    }

    /// <summary>Makes <paramref name="adapterName"/> the running adapter wherever it is attached; modules without it run no adapter.</summary>
    public void SetActiveAdapter(string? adapterName)
    {
        var modules = AdaptedModules;
        if (adapterName is not null && !modules.Any(m => m.HasAdapter(adapterName)))
            throw new TtLoraException($"no adapter named \"{adapterName}\" is attached; attached: {AdapterSet.Describe(AdapterNames)}");
        if (modules.OfType<AdaptedLinear>().FirstOrDefault(m => m.MergedAdapter is not null && m.MergedAdapter != adapterName) is { } merged)
            throw new TtLoraException($"{merged.Path}: adapter \"{merged.MergedAdapter}\" is merged; unmerge before switching adapters");
        foreach (var module in modules)
            module.SetActiveAdapter(adapterName is not null && module.HasAdapter(adapterName) ? adapterName : null);
    }

    /// <summary>Lets the active adapters run.</summary>
    public void EnableAdapters()
    {
        foreach (var module in AdaptedModules) module.AdaptersEnabled = true;
    }

    /// <summary>Stops all adapters (merged ones are unmerged first), so the model computes its base function.</summary>
    public void DisableAdapters()
    {
        foreach (var module in AdaptedModules) module.AdaptersEnabled = false;
    }

    /// <summary>Merges every active adapter into its base weight. Refused when something is merged already or an active adapter cannot be merged (a block adapter, an input-dependent one).</summary>
    public void Merge()
    {
        var modules = AdaptedModules;
        if (modules.OfType<AdaptedLinear>().FirstOrDefault(m => m.MergedAdapter is not null) is { } merged)
            throw new TtLoraException($"adapters are already merged ({merged.Path} holds \"{merged.MergedAdapter}\"); unmerge first");
        if (modules.OfType<AdaptedBlock>().FirstOrDefault(m => m.ActiveAdapter is not null && m.AdaptersEnabled) is { } block)
            throw new TtLoraException($"{block.Path}: a {block.GetAdapter(block.ActiveAdapter!).Kind} adapter on a whole block is not linear and cannot be merged into base weights");
        if (modules.OfType<AdaptedLinear>().FirstOrDefault(m => m.ActiveAdapter is not null && m.AdaptersEnabled && m.GetAdapter(m.ActiveAdapter) is not IMergeableAdapter) is { } dynamic)
            throw new TtLoraException($"{dynamic.Path}: adapter \"{dynamic.ActiveAdapter}\" ({dynamic.GetAdapter(dynamic.ActiveAdapter!).Kind}) depends on its input in a way no weight update can hold, so it cannot be merged");
        var active = modules.OfType<AdaptedLinear>().Where(m => m.ActiveAdapter is not null && m.AdaptersEnabled).ToList();
        if (active.Count == 0) throw new TtLoraException("no enabled, active adapter to merge");
        foreach (var module in active) module.Merge();
    }

    /// <summary>Takes every merged delta back out of the base weights.</summary>
    public void Unmerge()
    {
        var merged = AdaptedModules.OfType<AdaptedLinear>().Where(m => m.MergedAdapter is not null).ToList();
        if (merged.Count == 0) throw new TtLoraException("no adapter is merged");
        foreach (var module in merged) module.Unmerge();
    }

    /// <summary>Removes one adapter everywhere (disposing it); modules left without adapters get their plain module back.</summary>
    public void RemoveAdapter(string adapterName)
    {
        var holding = AdaptedModules.Where(m => m.HasAdapter(adapterName)).ToList();
        if (holding.Count == 0) throw new TtLoraException($"no adapter named \"{adapterName}\" is attached; attached: {AdapterSet.Describe(AdapterNames)}");
        if (holding.OfType<AdaptedLinear>().FirstOrDefault(m => m.MergedAdapter == adapterName) is { } merged)
            throw new TtLoraException($"{merged.Path}: adapter \"{adapterName}\" is merged; unmerge before removing it");
        foreach (var module in holding)
        {
            module.RemoveAdapter(adapterName).Dispose();
            if (module.AdapterNames.Count == 0) Unwrap(module);
        }
    }

    /// <summary>Removes every adapter (unmerging first) and puts the plain modules back: the model is the base model again.</summary>
    public void Detach()
    {
        if (IsMerged) Unmerge();
        foreach (var module in AdaptedModules) Unwrap(module);
    }

    /// <summary>Merges the active adapters and removes all wrappers: the model becomes a plain model with updated weights.</summary>
    public void MergeAndDetach()
    {
        Merge();
        foreach (var module in AdaptedModules) Unwrap(module);
    }

    /// <summary>
    /// Puts the plain modules back until the returned scope is disposed, then re-attaches the wrappers with their
    /// adapters untouched. Use it to save or load the base checkpoint with <see cref="LlamaCheckpoint"/>. A merged
    /// adapter stays merged, so the weights seen inside the scope include it (a merged model); unmerge first for the
    /// pristine base.
    /// </summary>
    public IDisposable DetachTemporarily()
    {
        var detached = new List<(AdapterSite Site, AdaptedModule Wrapper, nn.Module<Tensor, Tensor> Base)>();
        foreach (var site in Sites)
        {
            if (LlamaAdapterSites.Get(decoder, site) is not AdaptedModule wrapper) continue;
            var plain = wrapper.ReleaseBaseLayer();
            LlamaAdapterSites.Replace(decoder, site, plain);
            detached.Add((site, wrapper, plain));
        }
        return new Reattach(() =>
        {
            foreach (var (site, wrapper, plain) in detached)
            {
                wrapper.RestoreBaseLayer(plain);
                LlamaAdapterSites.Replace(decoder, site, wrapper);
            }
        });
    }

    /// <summary>
    /// Sets requires_grad: true for the parameters of <paramref name="trainableAdapter"/> (and the classification head
    /// when <paramref name="trainHead"/>), false for everything else. A null adapter freezes every adapter.
    /// </summary>
    public void Freeze(string? trainableAdapter, bool trainHead = false)
    {
        foreach (var parameter in model.parameters()) parameter.requires_grad = false;
        if (trainableAdapter is not null)
        {
            foreach (var module in AdaptedModules.Where(m => m.HasAdapter(trainableAdapter)))
                foreach (var parameter in module.GetAdapter(trainableAdapter).parameters()) parameter.requires_grad = true;
        }
        if (trainHead)
        {
            if (model is not LlamaForSequenceClassification classifier)
                throw new TtLoraException($"a {model.GetType().Name} has no classification head to train");
            classifier.Score.weight!.requires_grad = true;
        }
    }

    /// <summary>The parameters an optimizer should update, with their names.</summary>
    public IReadOnlyList<(string Name, Parameter Parameter)> TrainableParameters() =>
        model.named_parameters().Where(p => p.parameter.requires_grad).Select(p => (p.name, p.parameter)).ToArray();

    /// <summary>Number of trainable values.</summary>
    public long TrainableParameterCount => TrainableParameters().Sum(p => p.Parameter.numel());

    private AdaptedModule Wrap(AdapterSite site)
    {
        var current = LlamaAdapterSites.Get(decoder, site);
        AdaptedModule wrapper = site.IsLinear
            ? new AdaptedLinear(site.Path, current as Linear ?? throw new InvalidOperationException($"{site.Path} is not a Linear"))
            : new AdaptedBlock(site.Path, current, Config.HiddenSize);
        LlamaAdapterSites.Replace(decoder, site, wrapper);
        return wrapper;
    }

    private void Unwrap(AdaptedModule wrapper)
    {
        var site = Sites.First(s => s.Path == wrapper.Path);
        var plain = wrapper.ReleaseBaseLayer();
        LlamaAdapterSites.Replace(decoder, site, plain);
        wrapper.Dispose(); // disposes its adapters too; the base module was released above
    }

    /// <summary>Device and dtype of the frozen weights at a site (adapters are made to match).</summary>
    internal (Device Device, ScalarType DType) PlacementOf(AdapterSite site)
    {
        var reference = site.IsLinear
            ? LlamaAdapterSites.BaseLinear(decoder, site).weight!
            : LlamaAdapterSites.Get(decoder, site).parameters().First();
        return (reference.device, reference.dtype);
    }

    private sealed class Reattach(Action undo) : IDisposable
    {
        private Action? pending = undo;

        public void Dispose()
        {
            pending?.Invoke();
            pending = null;
        }
    }
}
