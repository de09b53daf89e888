// Entry point; the command tree lives in Cli/.
return 0;
