# The app of the docker-logging exercise (not yours to edit): prints numbered lines to stdout,
# as many as the seed says, then idles. ROLE is web or worker; SEED comes from compose.yaml.
seed = Integer(ENV.fetch('SEED', '20261123'))
role = ENV.fetch('ROLE', 'web')
count = role == 'web' ? 20 + seed.abs % 17 : 10 + seed.abs % 13
$stdout.sync = true
count.times { |i| puts(role == 'web' ? "web #{seed} request #{i}" : "worker #{seed} job #{i}") }
sleep
