using TtLora.Core;
using TtLora.Extension;

namespace TtLora.Kernel.Jupyter.Cells;

/// <summary>
/// Runs a <c>#!tt-lora</c> line through the same runner as the terminal, against the session's
/// <see cref="CommandContext"/> (whose defaults <c>use</c> sets). Help text goes to the cell's stdout; a failure
/// becomes the cell's error with the very lines the terminal would print. Training progress the verb reports shows
/// as one live display (<paramref name="progress"/>, which must be the context's progress sink). <c>{name}</c>
/// references take their text from <paramref name="variables"/> (the C# session's variables); without it they stay
/// as written.
/// </summary>
internal sealed class MagicRunner(CommandContext context, LiveProgress progress, MagicVariables? variables = null)
{
    public CellError? Run(string line, CellOutput output, CancellationToken cancellation)
    {
        IReadOnlyList<string> args;
        try
        {
            args = MagicLine.Arguments(line, variables is null ? null : variables.Text);
        }
        catch (TtLoraException e)
        {
            return CellError.FromCommand(CommandRunner.UsageError, $"error: {e.Message}");
        }
        return Run(args, output, cancellation);
    }

    /// <summary>Runs a verb given as arguments (a magic line already split, or a call from C#).</summary>
    public CellError? Run(IReadOnlyList<string> args, CellOutput output, CancellationToken cancellation)
    {
        var errors = new StringWriter();
        context.Cancellation = cancellation;
        progress.Begin(output, $"{MagicLine.Prefix} {string.Join(" ", args.TakeWhile(a => !a.StartsWith('-')))}".TrimEnd());
        int code = -1;
        try
        {
            code = CommandRunner.Run(args, context, output.Stdout, errors);
        }
        finally
        {
            progress.End(code == 0 ? null : cancellation.IsCancellationRequested ? "interrupted" : "failed");
        }
        if (code != 0) return cancellation.IsCancellationRequested ? CellError.Interrupted : CellError.FromCommand(code, errors.ToString());
        if (errors.GetStringBuilder().Length > 0) output.Stderr.Write(errors.ToString());
        return null;
    }
}
