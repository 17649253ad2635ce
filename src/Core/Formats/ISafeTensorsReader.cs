using TorchSharp;

namespace TtLora.Core.Formats;

/// <summary>
/// Named tensors stored in safetensors format: one file (<see cref="SafeTensorsFile"/>) or a checkpoint folder
/// that may be split into shards (<see cref="SafeTensorsCheckpoint"/>). Model loaders take this so they do not
/// care which.
/// </summary>
public interface ISafeTensorsReader : IDisposable
{
    /// <summary>The free-form "__metadata__" strings.</summary>
    IReadOnlyDictionary<string, string> Metadata { get; }

    /// <summary>Every tensor name, in storage order.</summary>
    IReadOnlyList<string> Names { get; }

    /// <summary>True when a tensor of that name is stored.</summary>
    bool Contains(string name);

    /// <summary>The header entry of tensor <paramref name="name"/>; throws <see cref="TtLoraException"/> when absent.</summary>
    SafeTensorInfo Info(string name);

    /// <summary>A new CPU tensor with the stored dtype, shape and bytes; the caller owns (disposes) it.</summary>
    torch.Tensor Load(string name);
}
