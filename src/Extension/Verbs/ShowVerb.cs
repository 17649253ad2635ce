using TtLora.Core.Adapters;
using System.CommandLine;
using TtLora.Core.Registry;
using TtLora.Extension.Results;

namespace TtLora.Extension.Verbs;

/// <summary>
/// <c>show --expert NAME [--layer N]</c>: an expert's adapter in detail — TT shapes, cores and what they save, or
/// LoRA/bottleneck shapes — read from its folder alone (no base model needed).
/// </summary>
internal static class ShowVerb
{
    public static Command Build(CommandContext context)
    {
        var expert = new Option<string>("--expert") { Description = "Expert name in the registry", Required = true, HelpName = "NAME" };
        var layer = new Option<int?>("--layer") { Description = "Show one decoder layer's cores in detail (default: every adapted layer, summarised)", HelpName = "N" };
        var registry = CommonOptions.Registry();
        var json = CommonOptions.Json();
        var command = new Command("show", "An expert's adapter: per module its shapes, parameters, compression, cores and update spectrum") { expert, layer, registry, json };
        command.Validators.Add(r =>
        {
            if (r.GetValue(layer) is < 0) r.AddError("--layer must be zero or positive");
        });
        command.SetAction(parse =>
        {
            var root = new ExpertRegistry(parse.GetValue(registry) ?? context.Registry);
            var manifest = root.Get(parse.GetValue(expert)!);
            string folder = root.PathOf(manifest.Name);
            context.Emit(new ShowResult(manifest, folder, AdapterInspector.Inspect(folder, parse.GetValue(layer))), parse.GetValue(json));
            return 0;
        });
        return command;
    }
}
