using System.Text.Json.Nodes;
using TtLora.Core.Formats;

namespace TtLora.Core.Models;

/// <summary>What a checkpoint folder holds, read from its config and safetensors headers without loading weights.</summary>
public sealed record CheckpointSummary(
    string Directory,
    string Architecture,
    LlamaConfig Config,
    long ParameterCount,
    IReadOnlyDictionary<string, long> ParametersByDType,
    IReadOnlyList<(string Name, long Bytes)> Files)
{
    public static CheckpointSummary Read(string dir)
    {
        var config = LlamaCheckpoint.LoadConfig(dir);
        string configPath = Path.Combine(dir, "config.json");
        string architecture = (StrictJson.Parse(File.ReadAllText(configPath))?["architectures"] as JsonArray)?.FirstOrDefault() is JsonValue named
            && named.TryGetValue(out string? declared) ? declared : "LlamaForCausalLM";
        long total = 0;
        var byDType = new SortedDictionary<string, long>();
        using (var files = SafeTensorsCheckpoint.Open(dir))
        {
            foreach (var name in files.Names)
            {
                var info = files.Info(name);
                total += info.ElementCount;
                string dtype = info.DType.ToString();
                byDType[dtype] = byDType.GetValueOrDefault(dtype) + info.ElementCount;
            }
        }
        var listing = new DirectoryInfo(dir).GetFiles().OrderBy(f => f.Name, StringComparer.Ordinal)
            .Select(f => (f.Name, f.Length)).ToList();
        return new CheckpointSummary(dir, architecture, config, total, byDType, listing);
    }
}
