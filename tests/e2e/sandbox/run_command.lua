-- Sandbox test: no os / io in a report script.
return { title = "os", build = function() os.execute("touch /tmp/otchet-pwned") end }
