using System.CommandLine;
using TtLora.Core.Registry;
using TtLora.Extension.Results;

namespace TtLora.Extension.Verbs;

/// <summary><c>experts</c>: the registry as a table; <c>experts remove NAME</c>.</summary>
internal static class ExpertsVerb
{
    public static Command Build(CommandContext context)
    {
        var registry = CommonOptions.Registry();
        var json = CommonOptions.Json();
        var command = new Command("experts", "List the experts in the registry") { registry, json };
        command.SetAction(parse =>
        {
            var root = new ExpertRegistry(parse.GetValue(registry) ?? context.Registry);
            var entries = root.Survey();
            context.Emit(new RegistryResult(root.Root, entries.Where(e => !e.IsBroken).Select(e => e.Manifest!).ToArray(),
                entries.Where(e => e.IsBroken).ToArray()), parse.GetValue(json));
            return 0;
        });

        var name = new Argument<string>("name") { Description = "Expert to remove" };
        var removeRegistry = CommonOptions.Registry();
        var remove = new Command("remove", "Delete an expert from the registry") { name, removeRegistry };
        remove.SetAction(parse =>
        {
            var root = new ExpertRegistry(parse.GetValue(removeRegistry) ?? context.Registry);
            string expert = parse.GetValue(name)!;
            var entry = root.Survey().FirstOrDefault(e => e.Name == expert);
            root.Remove(expert);
            context.Emit(new MessageResult(entry?.Manifest is { } m
                ? $"removed expert {m.Name} ({m.Task}, {m.AdapterKind}) from {root.Root}"
                : $"removed broken expert folder {expert} from {root.Root}"), false);
            return 0;
        });
        command.Add(remove);
        return command;
    }
}
