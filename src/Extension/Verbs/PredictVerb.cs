using System.CommandLine;
using TtLora.Core;
using TtLora.Core.Registry;
using TtLora.Extension.Results;

namespace TtLora.Extension.Verbs;

/// <summary><c>predict</c>: classify texts with one expert from the registry.</summary>
internal static class PredictVerb
{
    public static Command Build(CommandContext context)
    {
        var expert = new Option<string>("--expert") { Description = "Expert name in the registry", Required = true, HelpName = "NAME" };
        var text = new Option<string[]>("--text") { Description = "Text(s) to classify", Required = true, AllowMultipleArgumentsPerToken = false, HelpName = "TEXT" };
        var model = CommonOptions.Model();
        var registry = CommonOptions.Registry();
        var device = CommonOptions.Device();
        var json = CommonOptions.Json();
        var command = new Command("predict", "Classify text with one expert") { expert, text, model, registry, device, json };
        command.SetAction(parse =>
        {
            var root = new ExpertRegistry(parse.GetValue(registry) ?? context.Registry);
            var manifest = root.Get(parse.GetValue(expert)!);
            string baseDir = parse.GetValue(model) ?? context.Model ?? manifest.BaseModel;
            using var loaded = ExpertModel.Load(root, manifest.Name, baseDir, DeviceSelector.Resolve(parse.GetValue(device) ?? context.Device));
            var texts = parse.GetValue(text)!;
            var probabilities = loaded.Predict(texts);
            context.Emit(new PredictionResult(manifest.Name, manifest.Labels, texts, probabilities), parse.GetValue(json));
            return 0;
        });
        return command;
    }
}
