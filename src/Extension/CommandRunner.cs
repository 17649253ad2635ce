using System.CommandLine;
using System.CommandLine.Parsing;
using TtLora.Core;

namespace TtLora.Extension;

/// <summary>
/// Parses and runs one command line against the command set: the one error boundary every host goes through.
/// Usage errors and <see cref="TtLoraException"/>s become one readable message on the <c>error</c> writer and a
/// non-zero code; any other exception is a bug and becomes one line pointing at a log with the full trace. Nothing
/// escapes as an exception.
/// </summary>
public static class CommandRunner
{
    public const int UsageError = 2;
    public const int Failure = 1;
    /// <summary>An exception that is not a <see cref="TtLoraException"/>: a bug (sysexits' EX_SOFTWARE).</summary>
    public const int InternalError = 70;

    /// <param name="extend">Adds host-only verbs (the executable's <c>kernel</c>) to the shared grammar.</param>
    public static int Run(IReadOnlyList<string> args, CommandContext context, TextWriter output, TextWriter error, Action<RootCommand>? extend = null)
    {
        var root = CommandSet.Build(context);
        extend?.Invoke(root);
        var parsed = root.Parse(args);
        if (parsed.Errors.Count > 0)
        {
            foreach (var line in UsageMessages.Describe(parsed)) error.WriteLine($"error: {line}");
            var path = new List<string>();
            for (SymbolResult? r = parsed.CommandResult; r is CommandResult c && c.Command != root; r = r.Parent) path.Insert(0, c.Command.Name);
            error.WriteLine($"See 'ttlora{(path.Count > 0 ? " " + string.Join(" ", path) : "")} --help'.");
            return UsageError;
        }
        try
        {
            return parsed.Invoke(new InvocationConfiguration { Output = output, Error = error, EnableDefaultExceptionHandler = false });
        }
        catch (Exception e) when (Unwrap(e) is TtLoraException known)
        {
            error.WriteLine($"error: {known.Message}");
            return Failure;
        }
        catch (Exception e) when (Unwrap(e) is OperationCanceledException)
        {
            error.WriteLine("cancelled");
            return Failure;
        }
        catch (Exception e)
        {
            error.WriteLine($"error: {FailureReport.Describe(Unwrap(e), args)}");
            return InternalError;
        }
    }

    static Exception Unwrap(Exception e)
    {
        while (e is AggregateException { InnerExceptions.Count: 1 } or System.Reflection.TargetInvocationException && e.InnerException is not null)
            e = e.InnerException!;
        return e;
    }
}
