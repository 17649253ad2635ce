using System.Security.Cryptography;
using TtLora.Core.Formats;

namespace TtLora.Core.Registry;

/// <summary>
/// Identifies a base model so that experts trained on one are refused on another. Hashes config.json, every weight
/// file's size and safetensors header, and 16 evenly spaced 64 KiB samples of its data: cheap even for
/// multi-gigabyte checkpoints, and any retraining or re-export changes it.
/// </summary>
public static class ModelFingerprint
{
    const int Samples = 16;
    const int SampleBytes = 64 * 1024;

    public static string Compute(string modelDir)
    {
        using var sha = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        string config = Path.Combine(modelDir, "config.json");
        if (!File.Exists(config)) throw TtLoraException.InFile(modelDir, "not a model folder (config.json is missing)");
        sha.AppendData(File.ReadAllBytes(config));
        var weightFiles = Directory.GetFiles(modelDir, "*.safetensors").OrderBy(f => Path.GetFileName(f), StringComparer.Ordinal).ToArray();
        if (weightFiles.Length == 0) throw TtLoraException.InFile(modelDir, $"no {SafeTensorsCheckpoint.SingleFileName} (or shards) to fingerprint");
        var buffer = new byte[SampleBytes];
        foreach (var file in weightFiles)
        {
            using var stream = File.OpenRead(file);
            long length = stream.Length;
            sha.AppendData(System.Text.Encoding.UTF8.GetBytes($"{Path.GetFileName(file)}:{length}"));
            for (int i = 0; i <= Samples; i++)
            {
                // Sample 0 is the header; the rest spread across the data up to the file's end.
                long offset = i == 0 ? 0 : Math.Max(0, (long)((double)i / Samples * length) - SampleBytes);
                stream.Position = offset;
                int read = stream.ReadAtLeast(buffer, Math.Min(SampleBytes, (int)Math.Min(int.MaxValue, length - offset)), throwOnEndOfStream: false);
                sha.AppendData(buffer, 0, read);
            }
        }
        return "sha256:" + Convert.ToHexStringLower(sha.GetHashAndReset())[..32];
    }
}
