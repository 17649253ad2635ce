using System.CommandLine;
using System.Net;
using System.Text.Json.Nodes;
using TtLora.Core;
using TtLora.Extension.Display;

namespace TtLora.Extension.Verbs;

/// <summary>
/// <c>help [VERB...]</c>: the help of the tool or of one verb as a result, so a notebook shows it like any other
/// output (<c>VERB --help</c> prints the same text on the host's output).
/// </summary>
internal static class HelpVerb
{
    public static Command Build(CommandContext context)
    {
        var verb = new Argument<string[]>("verb") { Description = "The verb, and sub-verb, to explain", Arity = ArgumentArity.ZeroOrMore };
        var command = new Command("help", "Show the help of tt-lora or of one verb") { verb };
        command.SetAction(parse =>
        {
            var root = parse.RootCommandResult.Command;
            var words = parse.GetValue(verb) ?? [];
            Command target = root;
            foreach (var word in words)
            {
                target = target.Subcommands.FirstOrDefault(c => c.Name == word || c.Aliases.Contains(word))
                    ?? throw new TtLoraException($"help: \"{string.Join(" ", words)}\" is not a verb (`help` lists them)");
            }
            var text = new StringWriter();
            root.Parse([.. words, "--help"]).Invoke(new InvocationConfiguration { Output = text, Error = text });
            context.Emit(new HelpText(text.ToString().TrimEnd()), false);
            return 0;
        });
        return command;
    }
}

/// <summary>Help text of a command, kept preformatted in rich hosts.</summary>
public sealed record HelpText(string Text) : ICommandResult
{
    public string ToText() => Text;

    public JsonNode ToJson() => new JsonObject { ["help"] = Text };

    public string ToHtml() => new Formatting.HtmlOutput().Add($"<pre>{WebUtility.HtmlEncode(Text)}</pre>").ToString();
}
