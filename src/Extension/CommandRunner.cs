using System.CommandLine;
using TtLora.Core;

namespace TtLora.Extension;

/// <summary>
/// Parses and runs one command line against the command set. Usage errors and <see cref="TtLoraException"/>s
/// become one readable message on <paramref name="error"/> and a non-zero code; they never escape as exceptions.
/// </summary>
public static class CommandRunner
{
    public const int UsageError = 2;
    public const int Failure = 1;

    public static int Run(IReadOnlyList<string> args, CommandContext context, TextWriter output, TextWriter error)
    {
        var root = CommandSet.Build(context);
        var parsed = root.Parse(args);
        if (parsed.Errors.Count > 0)
        {
            foreach (var e in parsed.Errors) error.WriteLine($"error: {e.Message}");
            string verb = parsed.CommandResult.Command == root ? "" : " " + parsed.CommandResult.Command.Name;
            error.WriteLine($"See 'ttlora{verb} --help'.");
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
