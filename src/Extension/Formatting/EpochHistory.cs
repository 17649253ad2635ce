using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using TtLora.Core.Registry;

namespace TtLora.Extension.Formatting;

/// <summary>One epoch of an expert's training history (<see cref="ExpertManifest.History"/>); absent numbers are NaN.</summary>
public sealed record EpochHistory(int Epoch, double TrainLoss, double TrainAccuracy, double ValidationLoss, double ValidationAccuracy)
{
    /// <summary>Reads the manifest's history, skipping entries without an epoch number; fields of another kind read as NaN.</summary>
    public static IReadOnlyList<EpochHistory> Read(JsonArray history)
    {
        var epochs = new List<EpochHistory>();
        foreach (var entry in history.OfType<JsonObject>())
        {
            if (Number(entry["epoch"]) is not { } epoch || double.IsNaN(epoch)) continue;
            epochs.Add(new EpochHistory((int)epoch, Number(entry["train_loss"]) ?? double.NaN, Number(entry["train_accuracy"]) ?? double.NaN,
                Number(entry["validation_loss"]) ?? double.NaN, Number(entry["validation_accuracy"]) ?? double.NaN));
        }
        return epochs;
    }

    // Values built in memory keep their CLR type (an int epoch does not read as a double) while parsed ones are JSON
    // elements; the JSON text of a finite number reads the same for both.
    static double? Number(JsonNode? node)
    {
        if (node is not JsonValue value) return null;
        if (value.TryGetValue(out double number)) return number;
        return value.GetValueKind() == JsonValueKind.Number ? double.Parse(value.ToJsonString(), CultureInfo.InvariantCulture) : null;
    }
}
