using static TorchSharp.torch;

namespace TtLora.Core.Adapters;

/// <summary>
/// An adapter folder read and checked by <see cref="AdapterReader"/>: its config, every adapted site with its tensors
/// (CPU), and the classification head when the folder has one.
/// </summary>
public sealed class AdapterCheckpoint : IDisposable
{
    internal AdapterCheckpoint(string folder, AdapterConfig config, IReadOnlyDictionary<string, Tensor> tensors,
        IReadOnlyList<AdapterSiteTensors> sites, bool checkedAgainstModel)
    {
        Folder = folder;
        Config = config;
        Tensors = tensors;
        Sites = sites;
        CheckedAgainstModel = checkedAgainstModel;
    }

    /// <summary>The folder it was read from.</summary>
    public string Folder { get; }

    /// <summary>Path of <c>adapter_config.json</c>.</summary>
    public string ConfigPath => Path.Combine(Folder, AdapterFiles.ConfigFileName);

    /// <summary>Path of <c>adapter_model.safetensors</c>.</summary>
    public string WeightsPath => Path.Combine(Folder, AdapterFiles.WeightsFileName);

    /// <summary>The parsed config.</summary>
    public AdapterConfig Config { get; }

    /// <summary>Every tensor by its file key (e.g. <c>base_model.model.model.layers.0.self_attn.q_proj.lora_A.weight</c>).</summary>
    public IReadOnlyDictionary<string, Tensor> Tensors { get; }

    /// <summary>The adapted sites in model order.</summary>
    public IReadOnlyList<AdapterSiteTensors> Sites { get; }

    /// <summary>Whether the sites were resolved on a base model's config (else from the tensors alone).</summary>
    public bool CheckedAgainstModel { get; }

    /// <summary>The saved classification head <c>[labels, hidden]</c>, or null.</summary>
    public Tensor? Head => Tensors.TryGetValue(AdapterFiles.HeadKey, out var head) ? head : null;

    /// <summary>Decoder layers that carry an adapter.</summary>
    public IReadOnlyList<int> Layers => Sites.Select(s => s.Site.Layer).Distinct().Order().ToArray();

    /// <summary>
    /// A fresh adapter module for one site holding the stored values, built like injection builds one (so its
    /// behaviour is the kind's own) in <paramref name="dtype"/> on <paramref name="device"/>.
    /// </summary>
    public Adapter CreateAdapter(AdapterSiteTensors site, ScalarType dtype, Device? device)
    {
        using var noGrad = torch.no_grad();
        // Values are overwritten from the file; a fixed seed keeps the throwaway initialisation cheap and deterministic.
        var adapter = Config.ForLoading().CreateAdapter(site.Site, site.Target, seed: 0, dtype, device);
        try
        {
            foreach (var (name, parameter) in adapter.FileParameters()) parameter.copy_(site.Tensors[name]);
        }
        catch
        {
            adapter.Dispose();
            throw;
        }
        return adapter;
    }

    /// <summary>Frees the tensors.</summary>
    public void Dispose()
    {
        foreach (var tensor in Tensors.Values) tensor.Dispose();
    }
}
