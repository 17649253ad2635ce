using System.CommandLine;

namespace TtLora.Kernel.Jupyter.Editing;

/// <summary>Finds commands in the verb tree by the words of a command line, and renders their help.</summary>
internal static class CommandHelp
{
    /// <summary>The deepest command the leading words name, and how many words that took.</summary>
    public static (Command Command, int Depth) Find(Command root, IReadOnlyList<string> words)
    {
        Command command = root;
        int depth = 0;
        foreach (var word in words)
        {
            var next = command.Subcommands.FirstOrDefault(c => c.Name == word || c.Aliases.Contains(word));
            if (next is null) break;
            command = next;
            depth++;
        }
        return (command, depth);
    }

    /// <summary>The help System.CommandLine prints for <c>ttlora WORDS --help</c>.</summary>
    public static string Render(RootCommand root, IEnumerable<string> path)
    {
        var text = new StringWriter();
        root.Parse([.. path, "--help"]).Invoke(new InvocationConfiguration { Output = text, Error = text });
        return text.ToString().TrimEnd();
    }
}
