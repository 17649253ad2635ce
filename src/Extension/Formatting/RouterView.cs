using System.Text.Json.Nodes;
using TtLora.Core.Routing;
using TtLora.Extension.Results;

namespace TtLora.Extension.Formatting;

/// <summary>
/// HTML for <see cref="RouterResult"/> (<c>route-train</c>): a card with the router's shape, parameters, features and
/// accuracy, the experts it routes between, and its training curve — loss and routing accuracy (train and
/// validation) per epoch, best epoch highlighted in the history table.
/// </summary>
public static class RouterView
{
    public static string ToHtml(RouterResult result)
    {
        var c = result.Config;
        var t = c.Training;
        var card = new KeyValueCard($"router {c.Name}")
            .Add("kind", $"{RouterKinds.Name(c.Shape.Kind)} (top-{c.Shape.TopK})")
            .Add("parameters", HtmlCell.Number(c.Parameters))
            .Add("features", Features(c))
            .Add("routing accuracy", $"train {Html.Percent(c.TrainAccuracy)}, validation {Html.Percent(c.ValidationAccuracy)}")
            .Add("training", $"{t["epochs_run"]} epochs (best {t["best_epoch"]}) on {t["examples"]} examples ({t["mix"]} mix); "
                + $"features {Seconds(t["feature_seconds"])} once, training {Seconds(t["training_seconds"])}")
            .Add("saved", result.Folder);

        var experts = new HtmlTable("experts routed between", "index", "expert", "task");
        for (int i = 0; i < c.Experts.Count; i++) experts.AddRow(i, c.Experts[i], c.Tasks[i]);

        var output = new HtmlOutput().Add(card.ToHtml()).Add(experts.ToHtml());
        var history = EpochHistory.Read(t["history"] as JsonArray ?? []);
        if (history.Count == 0) return output.AddText("no per-epoch history was saved with this router", muted: true).ToString();

        var table = new HtmlTable("training history", "epoch", "train loss", "train routing acc", "val loss", "val routing acc");
        foreach (var e in history)
            table.AddRow(e.Epoch, HtmlCell.Number(e.TrainLoss, "0.0000"), HtmlCell.Percent(e.TrainAccuracy), HtmlCell.Number(e.ValidationLoss, "0.0000"), HtmlCell.Percent(e.ValidationAccuracy));
        int best = history.ToList().FindIndex(e => (int?)t["best_epoch"] == e.Epoch);
        if (best >= 0)
            for (int column = 0; column < table.Columns.Count; column++) table.HighlightCell(best, column, Highlight.Best);
        return output.AddChart(Curve(c.Name, history)!).Add(table.ToHtml()).ToString();
    }

    /// <summary>The training curve, or null when the router carries no history.</summary>
    public static PlotlyFigure? Curve(RouterConfig config)
    {
        var history = EpochHistory.Read(config.Training["history"] as JsonArray ?? []);
        return history.Count == 0 ? null : Curve(config.Name, history);
    }

    static PlotlyFigure Curve(string name, IReadOnlyList<EpochHistory> history)
    {
        double[] epochs = history.Select(e => (double)e.Epoch).ToArray();
        return Charts.Lines(
        [
            new LineSeries("train loss", epochs, history.Select(e => e.TrainLoss).ToArray()),
            new LineSeries("validation loss", epochs, history.Select(e => e.ValidationLoss).ToArray()),
            new LineSeries("train routing accuracy", epochs, history.Select(e => e.TrainAccuracy).ToArray(), SecondaryAxis: true),
            new LineSeries("validation routing accuracy", epochs, history.Select(e => e.ValidationAccuracy).ToArray(), SecondaryAxis: true),
        ], $"router {name}: training curve", xTitle: "epoch", yTitle: "loss", y2Title: "routing accuracy")
            .WithLayout(layout =>
            {
                layout["yaxis2"]!["range"] = new JsonArray(0, 1.02);
                layout["xaxis"]!["dtick"] = 1;
            });
    }

    static string Features(RouterConfig c)
    {
        string source = c.RouteFromLayer is int k
            ? $"layer {k} output through the final norm ({(c.SinglePass ? "single pass" : "two passes")})"
            : "final hidden states (two passes)";
        return RouterPoolings.Applies(c.Shape.Kind) ? $"{source}, {RouterPoolings.Name(c.Shape.Pooling)}-pooled" : source;
    }

    static string Seconds(JsonNode? node) => node is JsonValue v && v.TryGetValue(out double s) ? Html.Duration(TimeSpan.FromSeconds(s)) : "n/a";
}
