using System.CommandLine;
using TtLora.Core;
using TtLora.Core.Registry;
using TtLora.Core.Routing;
using TtLora.Extension.Results;

namespace TtLora.Extension.Verbs;

/// <summary><c>route</c>: a router's scores for texts, the expert it picks, and that expert's answer.</summary>
internal static class RouteVerb
{
    public static Command Build(CommandContext context)
    {
        var router = new Option<string>("--router") { Description = "Router name (REGISTRY/routers/NAME)", Required = true, HelpName = "NAME" };
        var text = new Option<string[]>("--text") { Description = "Text(s) to route and classify (repeat for several)", HelpName = "TEXT" };
        var file = new Option<string?>("--file") { Description = "Texts to route from a file: JSONL with \"text\" (and optionally \"task\", the true task), or one text per line", HelpName = "PATH" };
        var noisy = new Option<bool>("--noisy-inference") { Description = "Add the router's learned noise, as the reference does at inference" };
        var padded = new Option<bool>("--padded-logits") { Description = "Also report label logits zero-padded to the widest expert's label count (the reference's output)" };
        var pass = new Option<string>("--pass") { Description = "auto (single pass when possible), two-pass or single-pass", DefaultValueFactory = _ => "auto", HelpName = "auto|two-pass|single-pass" };
        pass.AcceptOnlyFromAmong("auto", "two-pass", "single-pass");
        var model = CommonOptions.Model();
        var registry = CommonOptions.Registry();
        var device = CommonOptions.Device();
        var json = CommonOptions.Json();
        var command = new Command("route", "Route texts: per-expert scores, the chosen expert and its label") { router, text, file, noisy, padded, pass, model, registry, device, json };
        command.SetAction(parse =>
        {
            var root = new ExpertRegistry(parse.GetValue(registry) ?? context.Registry);
            using var routed = RoutedModel.Open(root, parse.GetValue(router)!, parse.GetValue(model) ?? context.Model,
                DeviceSelector.Resolve(parse.GetValue(device) ?? context.Device));
            var inputs = (parse.GetValue(text) ?? []).Select(t => new RouteInput(t, null)).ToList();
            if (parse.GetValue(file) is string path) inputs.AddRange(RouteInput.Read(path));
            if (inputs.Count == 0) throw new TtLoraException("route: give the texts to route with --text TEXT (repeatable) or --file PATH");
            var predictions = routed.Classify(inputs.Select(i => i.Text).ToList(), ParsePass(parse.GetValue(pass)!), parse.GetValue(noisy));
            var tasks = inputs.Any(i => i.Task is not null) ? inputs.Select(i => i.Task).ToList() : null;
            context.Emit(new RouterScoresResult(routed.Config, predictions, parse.GetValue(padded) ? routed.Mixture.MaxLabels : null, tasks), parse.GetValue(json));
            return 0;
        });
        return command;
    }

    internal static RoutingPass ParsePass(string value) => value switch
    {
        "two-pass" => RoutingPass.TwoPass,
        "single-pass" => RoutingPass.SinglePass,
        _ => RoutingPass.Auto,
    };
}
