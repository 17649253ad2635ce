namespace TtLora.Core;

/// <summary>
/// An error a user can act on: bad input files, options or configurations. Hosts print its message as one
/// line (no stack trace) and exit non-zero; everything else is a bug and keeps its stack trace.
/// The message names the file, field or option and says what was expected.
/// </summary>
public class TtLoraException : Exception
{
    public TtLoraException(string message) : base(message) { }
    public TtLoraException(string message, Exception inner) : base(message, inner) { }

    /// <summary>An error about one file: the message is prefixed with the file's path.</summary>
    public static TtLoraException InFile(string path, string problem) => new($"{path}: {problem}");
}
