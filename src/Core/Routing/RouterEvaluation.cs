using System.Text.Json;
using System.Text.Json.Nodes;

namespace TtLora.Core.Routing;

/// <summary>One task's results: how often its inputs reach its expert, and task accuracy by method (null: not measured).</summary>
public sealed record TaskEvaluation(string Task, string Expert, int Examples, double RoutingAccuracy, double Routed, double Oracle, double? Merge, double? MultiTask, double? RoutedSinglePass);

/// <summary>A method's measured cost: wall time per example and the adapter/router values it holds.</summary>
public sealed record MethodCost(string Method, double MillisecondsPerExample, long Parameters, double RatioToBase);

/// <summary>
/// A router's evaluation (<c>eval.json</c>): routing accuracy and the confusion matrix (task x chosen expert), per-task
/// accuracy routed vs the oracle expert vs the baselines (uniform merge, multi-task adapter), and each method's cost.
/// </summary>
public sealed record RouterEvaluation(
    string Router,
    string RouterType,
    string Split,
    IReadOnlyList<string> Experts,
    IReadOnlyList<string> Tasks,
    IReadOnlyList<TaskEvaluation> PerTask,
    IReadOnlyList<int[]> Confusion,
    IReadOnlyList<MethodCost> Costs,
    bool NoisyInference,
    int? RouteFromLayer,
    int BatchSize,
    long BaseParameters)
{
    /// <summary>Mean over tasks (each task weighs the same).</summary>
    public double Mean(Func<TaskEvaluation, double?> metric) => PerTask.Select(metric).Where(v => v is not null).Select(v => v!.Value).DefaultIfEmpty(double.NaN).Average();

    public JsonObject ToJson()
    {
        JsonArray Strings(IEnumerable<string> items) => new(items.Select(s => (JsonNode?)s).ToArray());
        return new JsonObject
        {
            ["router"] = Router,
            ["router_type"] = RouterType,
            ["split"] = Split,
            ["noisy_inference"] = NoisyInference,
            ["route_from_layer"] = RouteFromLayer,
            ["batch_size"] = BatchSize,
            ["base_parameters"] = BaseParameters,
            ["experts"] = Strings(Experts),
            ["tasks"] = Strings(Tasks),
            ["routing_accuracy"] = Mean(t => t.RoutingAccuracy),
            ["accuracy"] = new JsonObject
            {
                ["routed"] = Mean(t => t.Routed),
                ["routed_single_pass"] = PerTask.Any(t => t.RoutedSinglePass is not null) ? Mean(t => t.RoutedSinglePass) : null,
                ["oracle"] = Mean(t => t.Oracle),
                ["merge"] = PerTask.Any(t => t.Merge is not null) ? Mean(t => t.Merge) : null,
                ["multi_task"] = PerTask.Any(t => t.MultiTask is not null) ? Mean(t => t.MultiTask) : null,
            },
            ["per_task"] = new JsonArray(PerTask.Select(t => (JsonNode?)new JsonObject
            {
                ["task"] = t.Task, ["expert"] = t.Expert, ["examples"] = t.Examples, ["routing_accuracy"] = t.RoutingAccuracy,
                ["routed"] = t.Routed, ["routed_single_pass"] = t.RoutedSinglePass, ["oracle"] = t.Oracle, ["merge"] = t.Merge, ["multi_task"] = t.MultiTask,
            }).ToArray()),
            ["confusion"] = new JsonObject
            {
                ["rows"] = "task", ["columns"] = "chosen expert",
                ["matrix"] = new JsonArray(Confusion.Select(row => (JsonNode?)new JsonArray(row.Select(c => (JsonNode?)c).ToArray())).ToArray()),
            },
            ["costs"] = new JsonArray(Costs.Select(c => (JsonNode?)new JsonObject
            {
                ["method"] = c.Method, ["ms_per_example"] = c.MillisecondsPerExample, ["parameters"] = c.Parameters, ["ratio_to_base"] = c.RatioToBase,
            }).ToArray()),
        };
    }

    /// <summary>Writes <c>eval.json</c> into a folder atomically.</summary>
    public void Save(string folder) => AtomicFile.WriteAllText(Path.Combine(folder, RouterStore.EvaluationFileName),
        ToJson().ToJsonString(new JsonSerializerOptions { WriteIndented = true }) + "\n");
}
