namespace TtLora.Kernel.Jupyter.Messages;

/// <summary>kernel_info_reply: who this kernel is and which language it runs.</summary>
public sealed record KernelInfoReply(
    string ProtocolVersion, string Implementation, string ImplementationVersion, LanguageInfo LanguageInfo, string Banner,
    IReadOnlyList<HelpLink> HelpLinks)
{
    public const string Type = "kernel_info_reply";
    public string Status => "ok";
    public bool Debugger => false;
}

/// <summary>The language_info part of kernel_info_reply.</summary>
public sealed record LanguageInfo(string Name, string Version, string Mimetype, string FileExtension, string PygmentsLexer, string CodemirrorMode);

/// <summary>A link a front end shows in its help menu.</summary>
public sealed record HelpLink(string Text, string Url);
