/**
 * The shipped models' names and descriptions in the interface's language (the server sends them in English).
 * A model trained in the session keeps the text the server made for it.
 */
import { useTranslation } from "react-i18next";

const SHIPPED = { toy: "toy", "tiny-stories": "tinyStories", "zh-stories": "zhStories" } as const;
type Shipped = keyof typeof SHIPPED;

const isShipped = (id: string): id is Shipped => Object.hasOwn(SHIPPED, id);

export interface ModelText {
  id: string;
  name: string;
  description: string;
}

export function useModelText(): (model: ModelText) => { name: string; description: string } {
  const { t } = useTranslation();
  return (model) => {
    if (!isShipped(model.id)) return { name: model.name, description: model.description };
    const key = SHIPPED[model.id];
    return { name: t(`models.${key}.name`), description: t(`models.${key}.description`) };
  };
}
