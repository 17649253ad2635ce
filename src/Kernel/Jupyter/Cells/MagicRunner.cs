using TtLora.Core;
using TtLora.Extension;

namespace TtLora.Kernel.Jupyter.Cells;

/// <summary>
/// Runs a <c>#!tt-lora</c> line through the same runner as the terminal, against the session's
/// <see cref="CommandContext"/> (whose defaults <c>use</c> sets). Help text goes to the cell's stdout; a failure
/// becomes the cell's error with the very lines the terminal would print. <c>{name}</c> references take their text
/// from <paramref name="variables"/> (the C# session's variables); without it they stay as written.
/// </summary>
internal sealed class MagicRunner(CommandContext context, MagicVariables? variables = null)
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
        var errors = new StringWriter();
        context.Cancellation = cancellation;
        int code = CommandRunner.Run(args, context, output.Stdout, errors);
        if (code != 0) return cancellation.IsCancellationRequested ? CellError.Interrupted : CellError.FromCommand(code, errors.ToString());
        if (errors.GetStringBuilder().Length > 0) output.Stderr.Write(errors.ToString());
        return null;
    }
}
