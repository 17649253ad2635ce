using System.CommandLine;
using TtLora.Core.Tokenizers;
using TtLora.Extension.Results;

namespace TtLora.Extension.Verbs;

/// <summary><c>tokenize</c>: ids and token strings of a text, as Hugging Face's tokenizer would give them.</summary>
internal static class TokenizeVerb
{
    public static Command Build(CommandContext context)
    {
        var tokenizerPath = new Option<string?>("--tokenizer") { Description = "tokenizer.json, or a model folder containing one (default: the session's model)", HelpName = "PATH" };
        var text = new Option<string>("--text") { Description = "Text to tokenize", Required = true, HelpName = "TEXT" };
        var noSpecial = new Option<bool>("--no-special-tokens") { Description = "Do not add BOS/EOS from the tokenizer's post-processor" };
        var json = CommonOptions.Json();
        var command = new Command("tokenize", "Show how a tokenizer splits a text") { tokenizerPath, text, noSpecial, json };
        command.SetAction(parse =>
        {
            string path = CommonOptions.RequireModel(parse.GetValue(tokenizerPath), context);
            var tokenizer = HfTokenizer.FromPath(path);
            var encoding = tokenizer.Encode(parse.GetValue(text)!, addSpecialTokens: !parse.GetValue(noSpecial));
            context.Emit(new TokenizeResult(encoding.Ids.ToArray(), encoding.Tokens.ToArray()), parse.GetValue(json));
            return 0;
        });
        return command;
    }
}
