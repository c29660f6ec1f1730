import { josa } from '../../i18n/josa.js';
import type { Command } from 'commander';
import { CONFIG_KEYS } from '../../config/keys.js';
import { setConfigValue } from '../../config/config.js';
import { DeLabError, EXIT } from '../../core/errors.js';
import { tr } from '../../i18n/lang.js';
import { style, table } from '../../ui/style.js';
import { action } from '../context.js';
import { example } from '../help.js';

function requireKey(name: string): void {
  if (!CONFIG_KEYS.some((key) => key.name === name)) {
    throw new DeLabError(tr({ en: `There is no setting called "${name}".`, ko: `"${name}"라는 설정은 없습니다.` }), {
      hint: tr({
        en: `Settings: ${CONFIG_KEYS.map((k) => k.name).join(', ')}.`,
        ko: `설정 이름: ${CONFIG_KEYS.map((k) => k.name).join(', ')}.`,
      }),
      code: 'E_CONFIG',
      exitCode: EXIT.usage,
    });
  }
}

export function register(program: Command): void {
  const config = program
    .command('config')
    .description('Read and change your settings (image prefix, extra CA file, language, workspace)')
    .addHelpText(
      'after',
      example([
        'de-lab config list',
        'de-lab config set lang ko',
        'de-lab config set caFile /etc/ssl/corp-ca.pem',
        'de-lab config get imagePrefix',
      ]),
    );

  addList(config);

  config
    .command('get <key>')
    .description("Print one setting's value")
    .addHelpText('after', example(['de-lab config get workspace']))
    .action(
      action(async (ctx, key: string) => {
        requireKey(key);
        const name = key as keyof typeof ctx.config.values;
        ctx.emit({ key, value: ctx.config.values[name], origin: ctx.config.origins[name] }, (d) => d.value);
      }),
    );

  config
    .command('set <key> <value>')
    .description('Validate and store a setting in the config file (an empty value removes it)')
    .addHelpText(
      'after',
      example([
        'de-lab config set lang ko',
        'de-lab config set imagePrefix registry.example.com/course',
        'de-lab config set caFile ""',
      ]),
    )
    .action(
      action(async (ctx, key: string, value: string) => {
        requireKey(key);
        const result = setConfigValue(key, value);
        ctx.emit({ key, ...result }, (d) =>
          d.value === ''
            ? tr({ en: `Removed ${key} from ${d.path}.`, ko: `${d.path}에서 ${josa(key, '을/를')} 지웠습니다.` })
            : tr({
                en: `Set ${key} = ${d.value} in ${d.path}.`,
                ko: `${d.path}에 ${key} = ${d.value}로 저장했습니다.`,
              }),
        );
      }),
    );

  config
    .command('path')
    .description("Print the config file's location")
    .addHelpText('after', example(['de-lab config path']))
    .action(action(async (ctx) => ctx.emit({ file: ctx.config.file }, (d) => d.file)));
}

/** `config list`: every setting with its value and origin, as a table or JSON. */
function addList(config: Command): void {
  config
    .command('list')
    .description('Show every setting, its value and where the value comes from')
    .addHelpText('after', example(['de-lab config list --json']))
    .action(
      action(async (ctx) => {
        const data = {
          file: ctx.config.file,
          settings: CONFIG_KEYS.map((key) => ({
            key: key.name,
            value: ctx.config.values[key.name],
            origin: ctx.config.origins[key.name],
            env: key.env,
            description: key.description,
          })),
        };
        ctx.emit(data, (d) =>
          [
            table([
              ['KEY', 'VALUE', 'FROM'].map(style.bold),
              ...d.settings.map((s) => [s.key, s.value === '' ? style.dim('(none)') : s.value, style.dim(s.origin)]),
            ]),
            '',
            style.dim(`config file: ${d.file}`),
          ].join('\n'),
        );
      }),
    );
}
