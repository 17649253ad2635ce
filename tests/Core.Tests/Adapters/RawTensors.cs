using TtLora.Core.Formats;

namespace TtLora.Core.Tests.Adapters;

/// <summary>Every tensor of a safetensors file, unchecked, so tests can write broken variants of adapter files.</summary>
internal sealed class RawTensors : IDisposable
{
    private RawTensors(Dictionary<string, Tensor> tensors) => Tensors = tensors;

    public IReadOnlyDictionary<string, Tensor> Tensors { get; }

    public static RawTensors Read(string path)
    {
        using var file = SafeTensorsFile.Open(path);
        return new RawTensors(file.Names.ToDictionary(n => n, file.Load));
    }

    public void Dispose()
    {
        foreach (var t in Tensors.Values) t.Dispose();
    }
}
