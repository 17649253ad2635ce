using System.CommandLine;
using System.Text;
using System.Text.Json.Nodes;
using TtLora.Core;

namespace TtLora.Extension.Verbs;

/// <summary>
/// <c>use [--model DIR] [--registry DIR] [--device D]</c>: session defaults for the verbs that follow, shown after
/// the change (with no options, just shown). A notebook keeps them for the kernel's life; a terminal command ends
/// with its process, so there the verbs' own flags are the way.
/// </summary>
internal static class UseVerb
{
    public static Command Build(CommandContext context)
    {
        var model = CommonOptions.Model();
        var registry = new Option<string?>("--registry") { Description = "Expert registry folder", HelpName = "DIR" };
        var device = CommonOptions.Device();
        var json = CommonOptions.Json();
        var command = new Command("use", "Set session defaults (model, registry, device) for the verbs that follow") { model, registry, device, json };
        command.SetAction(parse =>
        {
            if (parse.GetValue(model) is { } modelFolder)
            {
                // Resolved now, so a later change of working folder cannot retarget the session.
                string full = Path.GetFullPath(modelFolder);
                if (!Directory.Exists(full)) throw TtLoraException.InFile(modelFolder, "model folder not found");
                context.Model = full;
            }
            if (parse.GetValue(registry) is { } registryFolder) context.Registry = Path.GetFullPath(registryFolder);
            if (parse.GetValue(device) is { } choice) context.Device = choice;
            context.Emit(new SessionDefaults(context.Model, context.Registry, context.Device), parse.GetValue(json));
            return 0;
        });
        return command;
    }
}

/// <summary>The defaults verbs fall back to when their options are omitted.</summary>
public sealed record SessionDefaults(string? Model, string? Registry, string Device) : ICommandResult
{
    public string ToText()
    {
        var text = new StringBuilder();
        text.AppendLine("session defaults");
        text.AppendLine($"  model     {Model ?? "(none)"}");
        text.AppendLine($"  registry  {Registry ?? "(none)"}");
        text.Append($"  device    {Device}");
        return text.ToString();
    }

    public JsonNode ToJson() => new JsonObject { ["model"] = Model, ["registry"] = Registry, ["device"] = Device };

    public string ToHtml() => Formatting.SessionDefaultsView.ToHtml(this);
}
