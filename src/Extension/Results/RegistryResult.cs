using System.Text;
using System.Text.Json.Nodes;
using TtLora.Core.Registry;
using TtLora.Extension.Display;
using TtLora.Extension.Formatting;

namespace TtLora.Extension.Results;

/// <summary>The expert registry: one row per expert; the best test accuracy per task is marked.</summary>
public sealed record RegistryResult(string Root, IReadOnlyList<ExpertManifest> Experts, IReadOnlyList<RegistryEntry>? BrokenEntries = null) : ICommandResult
{
    /// <summary>Folders that are not whole experts, with what is wrong; listed after the table, never hiding it.</summary>
    public IReadOnlyList<RegistryEntry> Broken => BrokenEntries ?? [];

    /// <summary>A measured fraction as a percentage, or a dash when it was never measured (no test split).</summary>
    static string Percent(double value, int width) => (double.IsFinite(value) ? value.ToString("P1") : "-").PadLeft(width);

    string BrokenText() => Broken.Count == 0 ? "" :
        $"\n{Broken.Count} broken folder(s) (remove with: experts remove NAME)\n" +
        string.Join("\n", Broken.Select(b => $"! {b.Name}: {b.Problem}"));

    /// <summary>Names of the experts with the best test accuracy of their task.</summary>
    public IReadOnlySet<string> BestPerTask => Experts.GroupBy(e => e.Task)
        .Select(g => g.OrderByDescending(e => double.IsNaN(e.TestAccuracy) ? e.ValidationAccuracy : e.TestAccuracy).First().Name).ToHashSet();

    public string ToText()
    {
        if (Experts.Count == 0) return ($"no experts in {Root}" + BrokenText()).TrimEnd();
        var best = BestPerTask;
        var s = new StringBuilder();
        s.AppendLine($"{Experts.Count} expert(s) in {Root} (* = best for its task)");
        s.AppendLine($"  {"name",-28} {"task",-18} {"kind",-11} {"params",10} {"val acc",8} {"test acc",9} {"created",-20}");
        foreach (var e in Experts)
            s.AppendLine($"{(best.Contains(e.Name) ? "*" : " ")} {e.Name,-28} {e.Task,-18} {e.AdapterKind,-11} {e.TrainableParameters,10:N0} {Percent(e.ValidationAccuracy, 8)} {Percent(e.TestAccuracy, 9)} {e.Created.UtcDateTime,-20:yyyy-MM-dd HH:mm}");
        return (s.ToString().TrimEnd() + BrokenText()).TrimEnd();
    }

    public JsonNode ToJson() => new JsonObject
    {
        ["registry"] = Root,
        ["experts"] = new JsonArray(Experts.Select(e =>
        {
            var json = e.ToJson();
            json["best_for_task"] = BestPerTask.Contains(e.Name);
            return (JsonNode?)json;
        }).ToArray()),
        ["broken"] = new JsonArray(Broken.Select(b => (JsonNode?)new JsonObject { ["name"] = b.Name, ["problem"] = b.Problem }).ToArray()),
    };

    /// <summary>The HTML view.</summary>
    public string ToHtml() => RegistryView.ToHtml(this);
}
