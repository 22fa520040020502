import type { Template } from '../../../src/domain/templates';
import { useCall } from '../../api/queries';

const none: Template[] = [];

/** Solution and answer templates (Settings › Modèles), loaded when a screen needs them. */
export function useTemplates(): Template[] {
  return useCall('templates.list', undefined).data?.templates ?? none;
}
