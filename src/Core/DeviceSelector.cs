using static TorchSharp.torch;

namespace TtLora.Core;

/// <summary>Resolves the user's <c>--device auto|cpu|cuda</c> choice; auto means CUDA when it is usable.</summary>
public static class DeviceSelector
{
    public static readonly string[] Choices = ["auto", "cpu", "cuda"];

    public static Device Resolve(string? choice)
    {
        switch ((choice ?? "auto").ToLowerInvariant())
        {
            case "auto":
                return cuda.is_available() ? CUDA : CPU;
            case "cpu":
                return CPU;
            case "cuda":
                if (!cuda.is_available())
                    throw new TtLoraException("--device cuda: CUDA is not available (this build uses the CPU backend unless built with -p:TorchBackend=cuda, and needs an NVIDIA driver)");
                return CUDA;
            default:
                throw new TtLoraException($"--device: expected one of {string.Join(", ", Choices)}, got \"{choice}\"");
        }
    }

    public static ScalarType ResolveDType(string? name) => (name ?? "float32").ToLowerInvariant() switch
    {
        "float32" or "fp32" or "f32" => ScalarType.Float32,
        "bfloat16" or "bf16" => ScalarType.BFloat16,
        "float16" or "fp16" or "f16" => ScalarType.Float16,
        _ => throw new TtLoraException($"--dtype: expected float32, bfloat16 or float16, got \"{name}\""),
    };

    public static string DTypeName(ScalarType dtype) => dtype switch
    {
        ScalarType.Float32 => "float32",
        ScalarType.BFloat16 => "bfloat16",
        ScalarType.Float16 => "float16",
        _ => dtype.ToString().ToLowerInvariant(),
    };
}
