using System.Text;
using System.Text.Json.Nodes;
using TtLora.Core.Routing;
using TtLora.Extension.Formatting;

namespace TtLora.Extension.Results;

/// <summary>A trained router: what it routes, how well, and where it was saved.</summary>
public sealed record RouterResult(RouterConfig Config, string Folder) : ICommandResult
{
    public string ToText()
    {
        var c = Config;
        var t = c.Training;
        var s = new StringBuilder();
        s.AppendLine($"router {c.Name}: {RouterKinds.Name(c.Shape.Kind)} (top-{c.Shape.TopK}) over {c.Experts.Count} experts, {c.Parameters:N0} parameters");
        for (int i = 0; i < c.Experts.Count; i++) s.AppendLine($"  {i}: {c.Experts[i]} (task {c.Tasks[i]})");
        s.AppendLine($"  features    {(c.RouteFromLayer is int k ? $"layer {k} output through the final norm ({(c.SinglePass ? "single pass" : "two passes: some expert adapts layer <= " + k)})" : "final hidden states (two passes)")}{(RouterPoolings.Applies(c.Shape.Kind) ? $", {RouterPoolings.Name(c.Shape.Pooling)}-pooled" : "")}");
        s.AppendLine($"  accuracy    routing: train {c.TrainAccuracy:P1}, validation {c.ValidationAccuracy:P1}");
        s.AppendLine($"  training    {t["epochs_run"]} epochs (best {t["best_epoch"]}) on {t["examples"]} examples ({t["mix"]} mix); features {(double?)t["feature_seconds"]:F1} s once, training {(double?)t["training_seconds"]:F1} s");
        s.Append($"  saved       {Folder}");
        return s.ToString();
    }

    public JsonNode ToJson()
    {
        var json = Config.ToJson();
        json["folder"] = Folder;
        return json;
    }

    /// <summary>Card, experts, training curve and history (<see cref="RouterView"/>).</summary>
    public string ToHtml() => RouterView.ToHtml(this);

    /// <summary>The training curve: loss and routing accuracy per epoch.</summary>
    public PlotlyFigure? Figure => RouterView.Curve(Config);
}
