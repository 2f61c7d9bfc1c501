-- wrk script: requests the paths listed in a file (one per line, written by run.ts from the
-- Zipf mix), each thread from its own offset, with a browser's Accept-Encoding.
--   wrk -s url-mix.lua URL -- PATHS_FILE
local paths = {}
local position = 0
local threads = 0

function setup(thread)
  thread:set("offset", threads * 7919)
  threads = threads + 1
end

function init(args)
  for line in io.lines(args[1]) do
    paths[#paths + 1] = line
  end
  position = (offset or 0) % #paths
end

local headers = {
  ["Accept-Encoding"] = "gzip, deflate, br",
  ["User-Agent"] = "Mozilla/5.0 (loadtest)",
}

function request()
  position = position % #paths + 1
  return wrk.format("GET", paths[position], headers)
end
