using System.CommandLine;
using System.CommandLine.Parsing;
using TtLora.Core;

namespace TtLora.Extension;

/// <summary>
/// Parses and runs one command line against the command set. Usage errors and <see cref="TtLoraException"/>s
/// become one readable message on the <c>error</c> writer and a non-zero code; they never escape as exceptions.
/// </summary>
public static class CommandRunner
{
    public const int UsageError = 2;
    public const int Failure = 1;

    /// <param name="extend">Adds host-only verbs (the executable's <c>kernel</c>) to the shared grammar.</param>
    public static int Run(IReadOnlyList<string> args, CommandContext context, TextWriter output, TextWriter error, Action<RootCommand>? extend = null)
    {
        var root = CommandSet.Build(context);
        extend?.Invoke(root);
        var parsed = root.Parse(args);
        if (parsed.Errors.Count > 0)
        {
            foreach (var e in parsed.Errors) error.WriteLine($"error: {e.Message}");
            var path = new List<string>();
            for (SymbolResult? r = parsed.CommandResult; r is CommandResult c && c.Command != root; r = r.Parent) path.Insert(0, c.Command.Name);
            error.WriteLine($"See 'ttlora{(path.Count > 0 ? " " + string.Join(" ", path) : "")} --help'.");
            return UsageError;
        }
        try
        {
            return parsed.Invoke(new InvocationConfiguration { Output = output, Error = error, EnableDefaultExceptionHandler = false });
        }
        catch (TtLoraException e)
        {
            error.WriteLine($"error: {e.Message}");
            return Failure;
        }
        catch (OperationCanceledException)
        {
            error.WriteLine("cancelled");
            return Failure;
        }
    }
}
