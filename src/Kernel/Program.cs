Console.WriteLine("ttlora");
