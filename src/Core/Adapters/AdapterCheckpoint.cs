using static TorchSharp.torch;

namespace TtLora.Core.Adapters;

/// <summary>An adapter folder read into memory: its config and every tensor of its weights file (CPU).</summary>
public sealed class AdapterCheckpoint : IDisposable
{
    internal AdapterCheckpoint(string folder, AdapterConfig config, IReadOnlyDictionary<string, Tensor> tensors)
    {
        Folder = folder;
        Config = config;
        Tensors = tensors;
    }

    /// <summary>The folder it was read from.</summary>
    public string Folder { get; }

    /// <summary>Path of <c>adapter_config.json</c>.</summary>
    public string ConfigPath => Path.Combine(Folder, AdapterFiles.ConfigFileName);

    /// <summary>Path of <c>adapter_model.safetensors</c>.</summary>
    public string WeightsPath => Path.Combine(Folder, AdapterFiles.WeightsFileName);

    /// <summary>The parsed config.</summary>
    public AdapterConfig Config { get; }

    /// <summary>Tensors by their file keys (e.g. <c>base_model.model.model.layers.0.self_attn.q_proj.lora_A.weight</c>).</summary>
    public IReadOnlyDictionary<string, Tensor> Tensors { get; }

    /// <summary>Frees the tensors.</summary>
    public void Dispose()
    {
        foreach (var tensor in Tensors.Values) tensor.Dispose();
    }
}
