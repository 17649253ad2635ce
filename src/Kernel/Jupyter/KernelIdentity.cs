using System.Reflection;
using Microsoft.CodeAnalysis.CSharp;
using TtLora.Kernel.Jupyter.Messages;
using TtLora.Kernel.Jupyter.Protocol;

namespace TtLora.Kernel.Jupyter;

/// <summary>How the kernel introduces itself in kernel_info_reply and in its kernelspec.</summary>
public static class KernelIdentity
{
    public const string Implementation = "ttlora";
    public const string Language = "csharp";
    public const string DefaultDisplayName = "C# (tt-lora)";

    public static string Version =>
        typeof(KernelIdentity).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion.Split('+')[0]
        ?? "0.0.0";

    public static KernelInfoReply Info() => new(
        JupyterMessage.ProtocolVersion,
        Implementation,
        Version,
        new LanguageInfo(Language, LanguageVersion.Latest.MapSpecifiedToEffectiveVersion().ToDisplayString(), "text/x-csharp", ".cs",
            PygmentsLexer: "csharp", CodemirrorMode: "text/x-csharp"),
        $"tt-lora {Version}: C# script cells (Roslyn) with TorchSharp and the tt-lora libraries imported.\n" +
        "Lines starting with #!tt-lora run verbs, as `ttlora` does in a terminal; try `#!tt-lora help`.",
        [
            new HelpLink("C# language reference", "https://learn.microsoft.com/dotnet/csharp/"),
            new HelpLink("TorchSharp", "https://github.com/dotnet/TorchSharp"),
        ]);
}
